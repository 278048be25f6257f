package io.ramspool.spool.capacity;

/**
 * The spool's usage against its watermarks at one moment, as the guard saw it. Immutable; the
 * webadmin route and the health check report it.
 */
public final class CapacitySnapshot {
    /** What the relay does with new mail. */
    public enum State {
        /** Below the high watermarks, or back below the low ones. */
        ACCEPTING,
        /** Above a high watermark: new recipients get 452 until usage drops below the low watermarks. */
        REFUSING,
        /** Less than the minimum free space left, or the directory is not writable. */
        FULL
    }

    private final State state;
    private final long capacityBytes;
    private final long occupiedBytes;
    private final long availableBytes;
    private final long mails;
    private final long highWatermarkBytes;
    private final long lowWatermarkBytes;
    private final long highWatermarkMails;
    private final long lowWatermarkMails;
    private final boolean writable;

    CapacitySnapshot(State state, long capacityBytes, long occupiedBytes, long availableBytes, long mails,
                     long highWatermarkBytes, long lowWatermarkBytes, long highWatermarkMails, long lowWatermarkMails,
                     boolean writable) {
        this.state = state;
        this.capacityBytes = capacityBytes;
        this.occupiedBytes = occupiedBytes;
        this.availableBytes = availableBytes;
        this.mails = mails;
        this.highWatermarkBytes = highWatermarkBytes;
        this.lowWatermarkBytes = lowWatermarkBytes;
        this.highWatermarkMails = highWatermarkMails;
        this.lowWatermarkMails = lowWatermarkMails;
        this.writable = writable;
    }

    public State getState() {
        return state;
    }

    public long getCapacityBytes() {
        return capacityBytes;
    }

    /** Capacity minus available bytes: our mail plus anything else on the spool's file system. */
    public long getOccupiedBytes() {
        return occupiedBytes;
    }

    public long getAvailableBytes() {
        return availableBytes;
    }

    public long getMails() {
        return mails;
    }

    public long getHighWatermarkBytes() {
        return highWatermarkBytes;
    }

    public long getLowWatermarkBytes() {
        return lowWatermarkBytes;
    }

    public long getHighWatermarkMails() {
        return highWatermarkMails;
    }

    public long getLowWatermarkMails() {
        return lowWatermarkMails;
    }

    public boolean isWritable() {
        return writable;
    }

    @Override
    public String toString() {
        return "CapacitySnapshot{state=" + state + ", occupied=" + occupiedBytes + "/" + capacityBytes + ", mails="
            + mails + ", high=" + highWatermarkBytes + ", low=" + lowWatermarkBytes + "}";
    }
}
