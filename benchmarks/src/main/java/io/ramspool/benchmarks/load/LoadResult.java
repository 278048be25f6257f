package io.ramspool.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one round on one target. {@code seconds} runs from the first MAIL command to
 * the last mail at the sink; {@code acceptSeconds} from the first MAIL command to the last 250.
 * Latencies run from the 250 that ended a mail's DATA to its arrival at the sink. A mail is
 * delivered when the sink got it at least once, lost when the target accepted it but the sink
 * never got it, refused when the target did not accept it. {@code serverCpuSeconds} is the CPU
 * time of the server's processes over the measured batch (NaN when unknown).
 */
public record LoadResult(String experiment, String target, int round, LoadPlan plan, double seconds,
                         double acceptSeconds, int accepted, int delivered, int duplicates, int stray,
                         Percentiles latency, int sinkConnections, double serverCpuSeconds) {
    static final List<String> COLUMNS = List.of("target", "round", "messages", "sessions", "size_mix", "seconds",
        "msg_per_s", "p50_ms", "p90_ms", "p99_ms", "delivered", "lost", "refused", "duplicates", "accepted_per_s",
        "sink_connections", "server_cpu_ms_per_mail", "server_cores");

    public double getMessagesPerSecond() {
        return seconds > 0 ? delivered / seconds : 0;
    }

    public double getAcceptedPerSecond() {
        return acceptSeconds > 0 ? accepted / acceptSeconds : 0;
    }

    /** Server CPU milliseconds per delivered mail: what a mail costs the server, whatever else runs. */
    public double getServerCpuMillisPerMail() {
        return delivered > 0 ? serverCpuSeconds * 1000 / delivered : Double.NaN;
    }

    /** How many cores the server kept busy on average over the batch. */
    public double getServerCores() {
        return seconds > 0 ? serverCpuSeconds / seconds : Double.NaN;
    }

    public int getLost() {
        return accepted - delivered;
    }

    public int getRefused() {
        return plan.messages() - accepted;
    }

    /** The fields of {@link #COLUMNS}, numbers with a dot for decimals. */
    List<String> toCsvRow() {
        List<String> row = new ArrayList<>(List.of(target, Integer.toString(round),
            Integer.toString(plan.messages()), Integer.toString(plan.sessions()), plan.sizeMix().getLabel(),
            format("%.3f", seconds), format("%.1f", getMessagesPerSecond())));
        row.addAll(List.of(format("%.1f", latency.p50Millis()), format("%.1f", latency.p90Millis()),
            format("%.1f", latency.p99Millis()), Integer.toString(delivered), Integer.toString(getLost()),
            Integer.toString(getRefused()), Integer.toString(duplicates), format("%.1f", getAcceptedPerSecond()),
            Integer.toString(sinkConnections), format("%.3f", getServerCpuMillisPerMail()),
            format("%.2f", getServerCores())));
        return row;
    }

    /**
     * A result read back from a row of {@link #COLUMNS}: what the CSV does not keep (mail of other
     * batches, the warm-up) is 0, the accept time is recomputed from accepted_per_s.
     */
    static LoadResult fromCsvRow(String experiment, Map<String, String> row) {
        int delivered = Integer.parseInt(row.get("delivered"));
        int accepted = delivered + Integer.parseInt(row.get("lost"));
        double acceptedPerSecond = number(row.get("accepted_per_s"));
        LoadPlan plan = new LoadPlan(Integer.parseInt(row.get("messages")), Integer.parseInt(row.get("sessions")),
            SizeMix.parse(row.get("size_mix")), 0);
        return new LoadResult(experiment, row.get("target"), Integer.parseInt(row.get("round")), plan,
            number(row.get("seconds")), acceptedPerSecond > 0 ? accepted / acceptedPerSecond : 0, accepted,
            delivered, Integer.parseInt(row.get("duplicates")), 0, new Percentiles(number(row.get("p50_ms")),
                number(row.get("p90_ms")), number(row.get("p99_ms"))), Integer.parseInt(row.get("sink_connections")),
            number(row.get("server_cpu_ms_per_mail")) * delivered / 1000);
    }

    /** A number, or NaN for an empty field or a column that files of older runs do not have. */
    private static double number(String field) {
        return field == null || field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }

    /** One line for the console. */
    String toLine() {
        return String.format(Locale.ROOT,
            "%-11s %-15s round %d: %6d mails %2d sessions %-8s %7.2f s %8.1f msg/s p50 %7.1f p90 %7.1f p99 %7.1f ms"
                + " delivered %d lost %d refused %d duplicates %d, server CPU %.2f ms/mail (%.2f cores)",
            experiment, target, round, plan.messages(), plan.sessions(), plan.sizeMix().getLabel(), seconds,
            getMessagesPerSecond(), latency.p50Millis(), latency.p90Millis(), latency.p99Millis(), delivered,
            getLost(), getRefused(), duplicates, getServerCpuMillisPerMail(), getServerCores());
    }

    static String format(String pattern, double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, pattern, value);
    }
}
