package io.ramspool.spool.capacity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.SpoolStatus;
import io.ramspool.spool.overflow.OverflowSpool;

/**
 * Publishes the spool's figures as James gauges (exported by webadmin's {@code /metrics} in
 * Prometheus text format): bytes and mails held, capacity and room left, the guard's state
 * (0 accepting, 1 refusing, 2 full), mails enqueued and dequeued since start (rates come from
 * their derivative), the age of the oldest mail in any queue, and the mails, bytes and room of
 * the overflow directory (0 when {@code overflow=reject}).
 */
public final class SpoolMetrics {
    public static final String PREFIX = "ramspool.spool.";

    private final SpoolStatus status;
    private final CapacityGuard guard;
    private final RamSpoolMailQueueFactory queues;
    private final Clock clock;

    @Inject
    public SpoolMetrics(GaugeRegistry registry, SpoolStatus status, CapacityGuard guard,
                        RamSpoolMailQueueFactory queues, Clock clock) {
        this.status = status;
        this.guard = guard;
        this.queues = queues;
        this.clock = clock;
        registry.register(PREFIX + "bytes", status::getBytesUsed)
            .register(PREFIX + "mails", status::getEntryCount)
            .register(PREFIX + "capacityBytes", status::getCapacityBytes)
            .register(PREFIX + "availableBytes", status::getAvailableBytes)
            .register(PREFIX + "fileSystemFreeBytes", status::getFileSystemFreeBytes)
            .register(PREFIX + "state", this::stateCode)
            .register(PREFIX + "enqueuedMails", this::enqueued)
            .register(PREFIX + "dequeuedMails", this::dequeued)
            .register(PREFIX + "oldestMailAgeSeconds", this::oldestMailAgeSeconds)
            .register(PREFIX + "overflowMails", () -> overflow().map(OverflowSpool::getEntryCount).orElse(0L))
            .register(PREFIX + "overflowBytes", () -> overflow().map(OverflowSpool::getBytes).orElse(0L))
            .register(PREFIX + "overflowAvailableBytes",
                () -> overflow().map(spill -> spill.getStatus().getAvailableBytes()).orElse(0L));
    }

    private Optional<OverflowSpool> overflow() {
        return queues.getOverflow();
    }

    private int stateCode() {
        return guard.snapshot().getState().ordinal();
    }

    private long enqueued() {
        return queues.getOpenQueues().stream().mapToLong(RamSpoolMailQueue::getEnqueuedCount).sum();
    }

    private long dequeued() {
        return queues.getOpenQueues().stream().mapToLong(RamSpoolMailQueue::getDequeuedCount).sum();
    }

    /** Seconds since the oldest mail still queued was enqueued; 0 when every queue is empty. */
    public long oldestMailAgeSeconds() {
        Optional<Instant> oldest = queues.getOpenQueues().stream()
            .map(RamSpoolMailQueue::getOldestMailTime)
            .flatMap(Optional::stream)
            .min(Instant::compareTo);
        return oldest.map(time -> Math.max(0, Duration.between(time, clock.instant()).toSeconds())).orElse(0L);
    }
}
