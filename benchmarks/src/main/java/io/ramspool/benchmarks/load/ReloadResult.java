package io.ramspool.benchmarks.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of one spool size: filling the RAM spool, dumping it to disk, reloading the dump into
 * an empty spool, and opening the reloaded spool (the recovery scan the relay runs at start).
 */
public record ReloadResult(int mails, long bytes, String sizeMix, long fillMillis, long dumpMillis,
                           long reloadMillis, long openMillis, long imported) {
    static final List<String> COLUMNS = List.of("mails", "bytes", "size_mix", "fill_ms", "dump_ms", "reload_ms",
        "open_ms", "reload_plus_open_ms", "imported", "reload_mails_per_s");

    public long getRestartMillis() {
        return reloadMillis + openMillis;
    }

    public double getReloadMailsPerSecond() {
        return reloadMillis > 0 ? imported * 1000.0 / reloadMillis : 0;
    }

    List<String> toCsvRow() {
        return List.of(Integer.toString(mails), Long.toString(bytes), sizeMix, Long.toString(fillMillis),
            Long.toString(dumpMillis), Long.toString(reloadMillis), Long.toString(openMillis),
            Long.toString(getRestartMillis()), Long.toString(imported),
            String.format(Locale.ROOT, "%.0f", getReloadMailsPerSecond()));
    }

    static ReloadResult fromCsvRow(Map<String, String> row) {
        return new ReloadResult(Integer.parseInt(row.get("mails")), Long.parseLong(row.get("bytes")),
            row.get("size_mix"), Long.parseLong(row.get("fill_ms")), Long.parseLong(row.get("dump_ms")),
            Long.parseLong(row.get("reload_ms")), Long.parseLong(row.get("open_ms")),
            Long.parseLong(row.get("imported")));
    }

    String toLine() {
        return String.format(Locale.ROOT, "reload      %6d mails %9d bytes: fill %6d ms, dump %6d ms, reload %6d ms, "
            + "open %6d ms (%.0f mails/s reloaded, %d imported)", mails, bytes, fillMillis, dumpMillis, reloadMillis,
            openMillis, getReloadMailsPerSecond(), imported);
    }
}
