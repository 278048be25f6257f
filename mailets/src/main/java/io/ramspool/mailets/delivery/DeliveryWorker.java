package io.ramspool.mailets.delivery;

import java.time.Duration;
import java.util.regex.Pattern;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import com.google.common.collect.ImmutableMap;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The delivery threads: take mails from the outgoing queue, make one delivery pass, place every recipient, and only
 * then acknowledge the queue item. An item is acknowledged with SUCCESS once each of its recipients is delivered or
 * stored in exactly one other place; recipients that could not be stored anywhere stay in the item (RETRY).
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Pattern ADDRESS = Pattern.compile("<[^<>@\\s]*@[^<>\\s]*>");
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final String MDC_MAIL = "mail";
    private static final int QUEUED_TASK_CAP = 10_000;

    private final MailQueue queue;
    private final MailDeliverer deliverer;
    private final MailPlacer placer;
    private final DeliveryMetrics metrics;
    private final int threads;
    private Scheduler scheduler;
    private Disposable subscription;

    public DeliveryWorker(MailQueue queue, MailDeliverer deliverer, MailPlacer placer, DeliveryMetrics metrics,
                          int threads) {
        this.queue = queue;
        this.deliverer = deliverer;
        this.placer = placer;
        this.metrics = metrics;
        this.threads = threads;
    }

    /** Starts consuming the queue on {@code threads} threads named {@code oneshot-delivery}. */
    public synchronized void start() {
        scheduler = Schedulers.newBoundedElastic(threads, QUEUED_TASK_CAP, "oneshot-delivery");
        subscription = Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> process(item)).subscribeOn(scheduler), threads)
            .subscribe(ignored -> { }, error -> LOGGER.error("Outgoing queue consumer stopped queue={}",
                queue.getName().asString(), error));
    }

    /** Stops taking mails; a pass in progress is interrupted and its item stays unacknowledged in the queue. */
    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (scheduler != null) {
            scheduler.dispose();
        }
    }

    void process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        MDC.put(MDC_MAIL, mail.getName());
        TimeMetric timer = metrics.startPass();
        try {
            int attempt = MailPlacer.attempts(mail) + 1;
            ImmutableMap<MailAddress, RecipientResult> results = deliverer.deliver(mail, attempt > 1);
            Placement placement = placer.place(mail, results);
            acknowledge(item, placement);
            metrics.record(placement);
            log(mail, placement, failureOf(results), attempt, timer.stopAndPublish().elasped());
        } catch (RuntimeException e) {
            LOGGER.error("Unexpected failure delivering mail={}; the queue keeps it", mail.getName(), e);
            complete(item, MailQueue.MailQueueItem.CompletionStatus.RETRY);
        } finally {
            MDC.remove(MDC_MAIL);
        }
    }

    private void acknowledge(MailQueue.MailQueueItem item, Placement placement) {
        if (placement.getUnplaced().isEmpty()) {
            complete(item, MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            LifecycleUtil.dispose(item.getMail());
            return;
        }
        item.getMail().setRecipients(placement.getUnplaced());
        complete(item, MailQueue.MailQueueItem.CompletionStatus.RETRY);
    }

    private void complete(MailQueue.MailQueueItem item, MailQueue.MailQueueItem.CompletionStatus status) {
        try {
            item.done(status);
        } catch (MailQueue.MailQueueException e) {
            LOGGER.error("Could not acknowledge mail={} status={}", item.getMail().getName(), status, e);
        }
    }

    private static void log(Mail mail, Placement placement, String failure, int attempt, Duration duration) {
        LOGGER.info("Delivery pass done mail={} outcome={} host={} recipients={} direct={} fallback={} bounced={}"
                + " deferred={} error={} attempt={} durationMs={} lastFailure=\"{}\"",
            mail.getName(), placement.summary(), placement.hosts(), placement.getOutcomes().size(),
            placement.count(Outcome.DIRECT), placement.count(Outcome.FALLBACK), placement.count(Outcome.BOUNCED),
            placement.count(Outcome.DEFERRED), placement.count(Outcome.ERROR), attempt, duration.toMillis(), failure);
    }

    /**
     * The server's reply (or the connection error) for recipients not delivered, so that an operator
     * sees why a mail was deferred, bounced or set aside; addresses a server echoes are masked, as
     * addresses are logged only at DEBUG. "-" when every recipient was delivered.
     */
    static String failureOf(ImmutableMap<MailAddress, RecipientResult> results) {
        return results.values().stream()
            .filter(result -> result.getKind() != RecipientResult.Kind.DELIVERED)
            .map(RecipientResult::getDetail)
            .findFirst()
            .map(detail -> ADDRESS.matcher(detail).replaceAll("<...>").replace('"', '\''))
            .orElse("-");
    }
}
