package io.ramspool.benchmarks.load;

import java.util.Arrays;

/**
 * The 50th, 90th and 99th percentiles of a set of latencies, in milliseconds, by the nearest-rank
 * method: the p-th percentile of n sorted values is the value at rank ceil(p * n / 100), so it is
 * always one of the measured values. NaN when there are no values.
 */
public record Percentiles(double p50Millis, double p90Millis, double p99Millis) {
    public static final Percentiles NONE = new Percentiles(Double.NaN, Double.NaN, Double.NaN);

    /** The percentiles of {@code latencyNanos} (left unchanged; a sorted copy is used). */
    public static Percentiles ofNanos(long[] latencyNanos) {
        if (latencyNanos.length == 0) {
            return NONE;
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        return new Percentiles(nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99));
    }

    /** The {@code percent}-th percentile of {@code sorted}, converted from nanoseconds to milliseconds. */
    static double nearestRank(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent * (double) sorted.length / 100);
        return sorted[Math.max(rank, 1) - 1] / 1e6;
    }
}
