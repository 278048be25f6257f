package io.ramspool.spool;

import java.util.Comparator;

import io.ramspool.spool.internal.store.SpoolEntry;

/**
 * One mail of a queue's in-memory index: its committed entry and when it may be dequeued.
 * The ready time is mutable (a flush makes it "now") and guarded by the queue's lock.
 */
final class QueuedEntry {
    /** Higher priority first, then first in, first out. */
    static final Comparator<QueuedEntry> DEQUEUE_ORDER = Comparator
        .comparingInt((QueuedEntry queued) -> -queued.getPriority())
        .thenComparingLong(QueuedEntry::getSequence);
    /** Earliest ready time first. */
    static final Comparator<QueuedEntry> SCHEDULE_ORDER = Comparator
        .comparingLong(QueuedEntry::getReadyAtMillis)
        .thenComparingLong(QueuedEntry::getSequence);

    private final SpoolEntry entry;
    private long readyAtMillis;

    QueuedEntry(SpoolEntry entry) {
        this.entry = entry;
        this.readyAtMillis = entry.getHeader().getNextDeliveryMillis();
    }

    SpoolEntry getEntry() {
        return entry;
    }

    long getSequence() {
        return entry.getSequence();
    }

    int getPriority() {
        return entry.getHeader().getPriority();
    }

    long getReadyAtMillis() {
        return readyAtMillis;
    }

    void makeReadyAt(long millis) {
        this.readyAtMillis = millis;
    }

    boolean isReady(long nowMillis) {
        return readyAtMillis <= nowMillis;
    }
}
