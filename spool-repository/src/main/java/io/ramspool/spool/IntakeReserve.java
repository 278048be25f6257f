package io.ramspool.spool;

import javax.mail.MessagingException;

import org.apache.james.queue.api.MailQueue.MailQueueException;
import org.apache.mailet.Mail;

import com.google.common.base.Preconditions;

import io.ramspool.spool.capacity.Watermark;

/**
 * Room kept free for mail already accepted. Moving a mail from one queue to the next (the spooler
 * handing it to delivery, a retry, the error repository) writes the new entry before deleting the
 * old one, so a spool filled to the last byte by new mail could no longer move what it holds. The
 * intake queue (James's {@code spool}) therefore refuses a mail that would leave less than the
 * reserve free; SMTP answers that with a 4xx after DATA, and the other queues may use the reserve.
 */
public final class IntakeReserve {
    public static final String KEY = "intakeReserve";
    public static final String DEFAULT = "10%";

    private final SpoolStatus status;
    private final Watermark reserve;

    public IntakeReserve(SpoolStatus status, Watermark reserve) {
        this.status = Preconditions.checkNotNull(status, "status");
        this.reserve = Preconditions.checkNotNull(reserve, "reserve");
    }

    /** The reserve in bytes for the spool's current capacity. */
    public long getReserveBytes() {
        return reserve.resolve(status.getCapacityBytes());
    }

    /**
     * Refuses {@code mail} when storing it would eat into the reserve.
     *
     * @throws MailQueueException naming the mail, the bytes left and the reserve
     */
    void admit(Mail mail) throws MailQueueException {
        long available = status.getAvailableBytes();
        long reserveBytes = getReserveBytes();
        long size = sizeOf(mail);
        if (available - size < reserveBytes) {
            throw new MailQueueException("spool intake reserve reached: mail " + mail.getName() + " of " + size
                + " bytes refused, " + available + " bytes left and " + reserveBytes
                + " kept for mail already accepted in " + status.getDirectory());
        }
    }

    /** Whether a mail of {@code bytes} still leaves the reserve free. */
    public boolean admits(long bytes) {
        return status.getAvailableBytes() - bytes >= getReserveBytes();
    }

    /** Whether {@code mail} still leaves the reserve free. */
    boolean admits(Mail mail) {
        return admits(sizeOf(mail));
    }

    private static long sizeOf(Mail mail) {
        try {
            return Math.max(0, mail.getMessageSize());
        } catch (MessagingException e) {
            return 0;
        }
    }
}
