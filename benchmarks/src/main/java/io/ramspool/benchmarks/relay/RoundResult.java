package io.ramspool.benchmarks.relay;

import java.util.List;
import java.util.Locale;

import io.ramspool.benchmarks.relay.RelayUnderTest.DeliveryMode;

/**
 * The measured figures of one relay round: {@code elapsedNanos} from the first MAIL command to the
 * last mail at the sink, {@code acceptedNanos} to the relay's last 250, {@code latencies} sorted.
 */
record RoundResult(int round, DeliveryMode mode, int sent, int received, long elapsedNanos, long acceptedNanos,
                   long[] latencies, int sinkConnections) {
    private static final String HEADER = String.format(Locale.ROOT, "%-5s %-8s %7s %8s %9s %10s %8s %8s %8s %11s",
        "round", "mailet", "mails", "seconds", "msg/s", "accepted/s", "p50 ms", "p95 ms", "p99 ms", "sink conns");

    double getMessagesPerSecond() {
        return sent / (elapsedNanos / 1e9);
    }

    String toLine() {
        return String.format(Locale.ROOT, "%-5d %-8s %7d %8.2f %9.1f %10.1f %8.1f %8.1f %8.1f %11d%s", round,
            mode.getLabel(), sent, elapsedNanos / 1e9, getMessagesPerSecond(), sent / (acceptedNanos / 1e9),
            percentileMillis(0.50),
            percentileMillis(0.95), percentileMillis(0.99), sinkConnections,
            received == sent ? "" : "  (sink received " + received + ")");
    }

    private double percentileMillis(double fraction) {
        int index = (int) Math.ceil(fraction * latencies.length) - 1;
        return latencies[Math.max(0, Math.min(index, latencies.length - 1))] / 1e6;
    }

    static void printTable(List<RoundResult> results) {
        System.out.println();
        System.out.println(HEADER);
        results.forEach(result -> System.out.println(result.toLine()));
    }

    static void printSummary(List<RoundResult> results) {
        double oneShot = mean(results, DeliveryMode.ONE_SHOT);
        double stock = mean(results, DeliveryMode.STOCK);
        System.out.println();
        System.out.printf(Locale.ROOT, "mean msg/s: one-shot %.1f, stock %.1f; ratio one-shot/stock %.2f%n",
            oneShot, stock, oneShot / stock);
        for (RoundResult result : results) {
            if (result.mode() == DeliveryMode.ONE_SHOT) {
                results.stream()
                    .filter(other -> other.round() == result.round() && other.mode() == DeliveryMode.STOCK)
                    .findFirst()
                    .ifPresent(other -> System.out.printf(Locale.ROOT, "round %d ratio one-shot/stock %.2f%n",
                        result.round(), result.getMessagesPerSecond() / other.getMessagesPerSecond()));
            }
        }
    }

    private static double mean(List<RoundResult> results, DeliveryMode mode) {
        return results.stream()
            .filter(result -> result.mode() == mode)
            .mapToDouble(RoundResult::getMessagesPerSecond)
            .average()
            .orElse(Double.NaN);
    }
}
