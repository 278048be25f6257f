package io.ramspool.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.OfflineStore;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ramspool list}: one line per mail of the spool. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the mails of the spool, one per line: area, sequence, name, sender, recipients, state,"
        + " next delivery, size. Reads headers only, not checksums (use verify).")
final class ListCommand implements Callable<Integer> {
    private static final String FORMAT = "%-12s %-24s %16s  %-30s %-30s %5s  %-12s %-24s %10s%n";

    @Mixin
    CommonOptions common;

    @Option(names = "--area", paramLabel = "NAME", description = "Only this queue name or repository URL.")
    String areaName;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int damaged = 0;
        try (OfflineStore store = OfflineStore.lock(common.storeOptions().getRoot())) {
            out.printf(FORMAT, "KIND", "AREA", "SEQUENCE", "NAME", "SENDER", "RCPTS", "STATE", "NEXT DELIVERY",
                "BYTES");
            for (AreaId area : store.listAreas()) {
                if (areaName == null || areaName.equals(area.getName())) {
                    damaged += listArea(out, store, area);
                }
            }
        }
        return damaged == 0 ? ExitCodes.OK : ExitCodes.DAMAGED;
    }

    private static int listArea(PrintWriter out, OfflineStore store, AreaId area) throws IOException {
        int damaged = 0;
        for (Path file : store.listEntryFiles(area)) {
            try {
                printEntry(out, area, store.read(area, file));
            } catch (StoreException e) {
                out.printf("damaged: %s%n", e.getMessage());
                damaged++;
            }
        }
        return damaged;
    }

    private static void printEntry(PrintWriter out, AreaId area, SpoolEntry entry) {
        EntryHeader header = entry.getHeader();
        out.printf(FORMAT, area.getKind().getDirectoryName(), area.getName(), String.format("%x", entry.getSequence()),
            header.getName(), header.getSender().orElse("<>"), header.getRecipients().size(),
            header.getState().orElse("-"), area.getKind() == AreaId.Kind.QUEUE
                ? Outputs.time(header.getNextDeliveryMillis()) : "-", entry.getFileSize());
    }
}
