package io.ramspool.spool;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.queue.api.MailQueue.MailQueueException;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.mailet.Mail;

/**
 * A dequeued mail. Its entry stays in the store until {@link #done} is called with
 * {@code SUCCESS}; any other status puts it back in the queue. Completing twice has no effect.
 */
final class RamSpoolMailQueueItem implements MailQueueItem {
    private final RamSpoolMailQueue queue;
    private final QueuedEntry queued;
    private final Mail mail;
    private final AtomicBoolean completed = new AtomicBoolean();

    RamSpoolMailQueueItem(RamSpoolMailQueue queue, QueuedEntry queued, Mail mail) {
        this.queue = queue;
        this.queued = queued;
        this.mail = mail;
    }

    @Override
    public Mail getMail() {
        return mail;
    }

    @Override
    public void done(CompletionStatus status) throws MailQueueException {
        if (completed.compareAndSet(false, true)) {
            try {
                queue.complete(queued, status);
            } catch (MailQueueException e) {
                completed.set(false);
                throw e;
            }
        }
    }

    /** Called by Reactor for an item emitted after its subscriber cancelled. */
    void releaseUnconsumed() {
        if (completed.compareAndSet(false, true)) {
            queue.putBack(queued, CompletionStatus.RETRY);
        }
    }
}
