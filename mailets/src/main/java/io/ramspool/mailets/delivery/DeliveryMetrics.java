package io.ramspool.mailets.delivery;

import java.util.EnumMap;
import java.util.Map;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;

/**
 * Counters of recipients per outcome ({@code oneShotDelivery:direct}, {@code :fallback}, {@code :bounced},
 * {@code :deferred}, {@code :error}) and the timer of one delivery pass ({@code oneShotDeliveryLatency}).
 * Thread-safe.
 */
public final class DeliveryMetrics {
    public static final String OUTCOME_PREFIX = "oneShotDelivery:";
    public static final String LATENCY = "oneShotDeliveryLatency";

    private final MetricFactory metricFactory;
    private final Map<Outcome, Metric> counters = new EnumMap<>(Outcome.class);

    public DeliveryMetrics(MetricFactory metricFactory) {
        this.metricFactory = metricFactory;
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, metricFactory.generate(OUTCOME_PREFIX + outcome.asLabel()));
        }
    }

    /** Starts the latency timer of one pass; the caller stops it with {@code stopAndPublish()}. */
    public TimeMetric startPass() {
        return metricFactory.timer(LATENCY);
    }

    public void record(Placement placement) {
        for (Outcome outcome : Outcome.values()) {
            int count = placement.count(outcome);
            if (count > 0) {
                counters.get(outcome).add(count);
            }
        }
    }
}
