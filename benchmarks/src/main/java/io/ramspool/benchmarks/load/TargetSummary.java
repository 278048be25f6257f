package io.ramspool.benchmarks.load;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The rounds of one target folded together: mean, lowest and highest msg/s, mean latencies,
 * totals, mean server CPU per mail and mean cores in use.
 */
record TargetSummary(String target, int rounds, double meanMessagesPerSecond, double minMessagesPerSecond,
                     double maxMessagesPerSecond, Percentiles meanLatency, long delivered, long lost,
                     long refused, double meanCpuMillisPerMail, double meanCores) {

    /** @param results the rounds of one target, at least one */
    static TargetSummary of(String target, List<LoadResult> results) {
        return new TargetSummary(target, results.size(), mean(results, LoadResult::getMessagesPerSecond),
            results.stream().mapToDouble(LoadResult::getMessagesPerSecond).min().orElse(Double.NaN),
            results.stream().mapToDouble(LoadResult::getMessagesPerSecond).max().orElse(Double.NaN),
            new Percentiles(mean(results, result -> result.latency().p50Millis()),
                mean(results, result -> result.latency().p90Millis()),
                mean(results, result -> result.latency().p99Millis())),
            results.stream().mapToLong(LoadResult::delivered).sum(),
            results.stream().mapToLong(LoadResult::getLost).sum(),
            results.stream().mapToLong(LoadResult::getRefused).sum(),
            mean(results, LoadResult::getServerCpuMillisPerMail), mean(results, LoadResult::getServerCores));
    }

    private static double mean(List<LoadResult> results, ToDoubleFunction<LoadResult> value) {
        return results.stream().mapToDouble(value).average().orElse(Double.NaN);
    }
}
