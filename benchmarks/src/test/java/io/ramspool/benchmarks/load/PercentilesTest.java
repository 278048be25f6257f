package io.ramspool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    private static final long MILLISECOND = 1_000_000;

    @Test
    void ofNanosShouldUseTheNearestRankWhenThereAreAHundredValues() {
        long[] latencies = LongStream.rangeClosed(1, 100).map(millis -> millis * MILLISECOND).toArray();

        Percentiles testee = Percentiles.ofNanos(latencies);

        assertThat(testee).isEqualTo(new Percentiles(50.0, 90.0, 99.0));
    }

    @Test
    void ofNanosShouldRoundTheRankUpWhenItFallsBetweenValues() {
        long[] latencies = {10 * MILLISECOND, 20 * MILLISECOND, 30 * MILLISECOND};

        Percentiles testee = Percentiles.ofNanos(latencies);

        assertThat(testee).isEqualTo(new Percentiles(20.0, 30.0, 30.0));
    }

    @Test
    void ofNanosShouldSortACopyWhenValuesAreUnsorted() {
        long[] latencies = {30 * MILLISECOND, 10 * MILLISECOND, 20 * MILLISECOND};

        Percentiles testee = Percentiles.ofNanos(latencies);

        assertThat(testee.p50Millis()).isEqualTo(20.0);
        assertThat(latencies).containsExactly(30 * MILLISECOND, 10 * MILLISECOND, 20 * MILLISECOND);
    }

    @Test
    void ofNanosShouldGiveTheValueWhenThereIsOnlyOne() {
        Percentiles testee = Percentiles.ofNanos(new long[] {1_500_000});

        assertThat(testee).isEqualTo(new Percentiles(1.5, 1.5, 1.5));
    }

    @Test
    void ofNanosShouldGiveNaNWhenThereAreNoValues() {
        Percentiles testee = Percentiles.ofNanos(new long[0]);

        assertThat(testee.p50Millis()).isNaN();
        assertThat(testee.p99Millis()).isNaN();
    }
}
