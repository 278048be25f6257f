package io.ramspool.spool.capacity;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Preconditions;

import io.ramspool.spool.SpoolStatus;

/**
 * Decides whether the relay takes new mail, with hysteresis: once usage crosses a high watermark
 * (bytes or mails) the guard refuses until usage is back below both low watermarks, so that the
 * relay does not flap at the edge. Cheap enough to ask on every RCPT: two counter reads and one
 * {@code statvfs}. Thread-safe; a transition is logged once, at WARN when intake stops and INFO
 * when it resumes.
 *
 * <p>{@link #snapshot()} always describes the RAM spool. With an overflow directory
 * ({@code overflow=disk}), {@link #isAcceptingMail()} and {@link #hasRoomFor(long)} also say yes
 * while the overflow has room: the intake queue then writes new mail to disk.
 */
public final class CapacityGuard {
    private static final Logger LOGGER = LoggerFactory.getLogger(CapacityGuard.class);

    private final SpoolStatus status;
    private final CapacityPolicy policy;
    private final Optional<SpoolStatus> overflow;
    private boolean refusing;

    public CapacityGuard(SpoolStatus status, CapacityPolicy policy) {
        this(status, policy, Optional.empty());
    }

    /**
     * @param overflow the overflow directory on disk ({@code overflow=disk}): while it has room,
     *     mail is accepted above the RAM spool's watermarks and goes there
     */
    public CapacityGuard(SpoolStatus status, CapacityPolicy policy, Optional<SpoolStatus> overflow) {
        this.status = Preconditions.checkNotNull(status, "status");
        this.policy = Preconditions.checkNotNull(policy, "policy");
        this.overflow = Preconditions.checkNotNull(overflow, "overflow");
    }

    /**
     * True when a new recipient may be accepted: the RAM spool is below its watermarks, or the
     * overflow directory still has room. Updates the hysteresis state.
     */
    public boolean isAcceptingMail() {
        return snapshot().getState() == CapacitySnapshot.State.ACCEPTING || overflowHasRoomFor(0);
    }

    /**
     * True when a message of {@code messageBytes} (the SIZE a client announced) still fits in the
     * RAM spool or, with overflow on, in the overflow directory.
     */
    public boolean hasRoomFor(long messageBytes) {
        return fits(status, messageBytes) || overflowHasRoomFor(messageBytes);
    }

    /** True when overflow is on and its directory can take {@code messageBytes} more. */
    public boolean overflowHasRoomFor(long messageBytes) {
        return overflow.map(disk -> fits(disk, Math.max(1, messageBytes))).orElse(false);
    }

    private boolean fits(SpoolStatus spool, long messageBytes) {
        return spool.isWritable() && spool.getAvailableBytes() - policy.getMinimumFreeBytes() >= messageBytes;
    }

    /** Reads the spool once and returns its state against the watermarks. */
    public synchronized CapacitySnapshot snapshot() {
        long capacity = status.getCapacityBytes();
        long available = status.getAvailableBytes();
        long occupied = Math.max(0, capacity - available);
        long mails = status.getEntryCount();
        long high = policy.getHigh().resolve(capacity);
        long low = policy.getLow().resolve(capacity);
        boolean writable = status.isWritable();
        updateHysteresis(occupied, mails, high, low);
        return new CapacitySnapshot(stateOf(writable, available), capacity, occupied, available, mails, high, low,
            policy.getHighMails(), policy.getLowMails(), writable);
    }

    private CapacitySnapshot.State stateOf(boolean writable, long available) {
        if (!writable || available < policy.getMinimumFreeBytes()) {
            return CapacitySnapshot.State.FULL;
        }
        return refusing ? CapacitySnapshot.State.REFUSING : CapacitySnapshot.State.ACCEPTING;
    }

    private void updateHysteresis(long occupied, long mails, long high, long low) {
        if (!refusing && (occupied >= high || mails >= policy.getHighMails())) {
            refusing = true;
            LOGGER.warn("Spool above its high watermark, {} path={} occupiedBytes={} highBytes={} mails={}"
                    + " highMails={}", overflow.isPresent() ? "new mail goes to the overflow directory"
                    : "new recipients get 452", status.getDirectory(), occupied, high, mails, policy.getHighMails());
        } else if (refusing && occupied <= low && mails <= policy.getLowMails()) {
            refusing = false;
            LOGGER.info("Spool back below its low watermark, intake resumes path={} occupiedBytes={} lowBytes={}"
                + " mails={} lowMails={}", status.getDirectory(), occupied, low, mails, policy.getLowMails());
        }
    }

    public CapacityPolicy getPolicy() {
        return policy;
    }

    /** The RAM spool's status. */
    public SpoolStatus getStatus() {
        return status;
    }

    /** The overflow directory's status, when overflow is on. */
    public Optional<SpoolStatus> getOverflowStatus() {
        return overflow;
    }
}
