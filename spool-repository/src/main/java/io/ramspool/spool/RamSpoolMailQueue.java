package io.ramspool.spool;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;

import javax.mail.MessagingException;

import org.apache.james.queue.api.MailPrioritySupport;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import io.ramspool.spool.internal.mail.MailEntries;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolFullException;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.overflow.OverflowSpool;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A James mail queue whose mails are entries of a {@link SpoolStore} area: {@code enQueue}
 * returns only once the mail is committed in the store, so a mail acknowledged over SMTP survives
 * a killed JVM. The index (order, delays, priorities) is kept in memory; bodies stay in the files.
 *
 * <p>Order: among mails whose delay has passed, higher {@link MailPrioritySupport#MAIL_PRIORITY}
 * first, then first in, first out; {@link #browse()} lists mails in that order, delayed ones included. A dequeued mail
 * stays in the store until its item is completed with {@code SUCCESS}; {@code RETRY} and
 * {@code REJECT} both put it back, ready at once, so no completion status loses a mail.
 * {@link #getSize()} and {@link #browse()} count the mails waiting, not those being processed.
 *
 * <p>Each {@link #deQueue()} subscription is served by its own daemon thread that blocks until a
 * mail is ready and emits only against demand. Thread-safe.
 *
 * <p>The intake queue may have an {@link OverflowSpool} ({@code overflow=disk}): while the RAM
 * spool is above its high watermark, is full, or a mail would eat into the intake reserve, a new
 * mail is committed (fsynced) to the overflow directory on disk instead, and joins this queue once
 * the overflow's mover has copied it back. {@link #getOverflowCount()} counts those mails.
 *
 * <p>Limitations: {@link #flush()} changes the delay in memory only; after a restart a flushed
 * mail waits for its original delay again. Mails in the overflow are not browsed, removed or
 * cleared until they are back in the RAM spool.
 */
public final class RamSpoolMailQueue implements ManageableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(RamSpoolMailQueue.class);
    private static final long MAX_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private final MailQueueName name;
    private final AreaId area;
    private final SpoolStore store;
    private final MailQueueItemDecoratorFactory decoratorFactory;
    private final Clock clock;
    private final Optional<IntakeReserve> reserve;
    private volatile Optional<OverflowSpool> overflow = Optional.empty();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<QueuedEntry> ready = new PriorityQueue<>(QueuedEntry.DEQUEUE_ORDER);
    private final PriorityQueue<QueuedEntry> delayed = new PriorityQueue<>(QueuedEntry.SCHEDULE_ORDER);
    private final TreeMap<Long, QueuedEntry> waiting = new TreeMap<>();
    private final Map<Long, QueuedEntry> inFlight = new HashMap<>();
    private final Set<DequeueWorker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicLong enqueuedCount = new AtomicLong();
    private final AtomicLong dequeuedCount = new AtomicLong();

    RamSpoolMailQueue(MailQueueName name, SpoolStore store, List<SpoolEntry> recovered,
                      MailQueueItemDecoratorFactory decoratorFactory, Clock clock, Optional<IntakeReserve> reserve) {
        this.reserve = reserve;
        this.name = name;
        this.area = AreaId.queue(name.asString());
        this.store = store;
        this.decoratorFactory = decoratorFactory;
        this.clock = clock;
        recovered.forEach(entry -> index(new QueuedEntry(entry)));
        if (!recovered.isEmpty()) {
            LOGGER.info("Mail queue reloaded from spool queue={} mails={} delayed={}", name.asString(),
                recovered.size(), delayed.size());
        }
    }

    @Override
    public MailQueueName getName() {
        return name;
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        Optional<OverflowSpool> spill = overflow;
        if (spill.isEmpty() && reserve.isPresent()) {
            reserve.get().admit(mail);
        }
        long now = clock.millis();
        EntryHeader header = describe(mail, now, readyAt(now, delay));
        if (spill.isPresent() && (spill.get().shouldDivert() || !reserveAdmits(mail))) {
            divert(spill.get(), mail, header);
            return;
        }
        Optional<SpoolEntry> entry = write(mail, header, spill.isPresent());
        if (entry.isEmpty()) {
            divert(spill.get(), mail, header);
            return;
        }
        add(entry.get());
        enqueuedCount.incrementAndGet();
        LOGGER.debug("Mail spooled queue={} mail={} sequence={} bytes={}", name.asString(), mail.getName(),
            entry.get().getSequence(), entry.get().getFileSize());
    }

    private boolean reserveAdmits(Mail mail) {
        return reserve.map(intakeReserve -> intakeReserve.admits(mail)).orElse(true);
    }

    private void add(SpoolEntry entry) {
        lock.lock();
        try {
            index(new QueuedEntry(entry));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void divert(OverflowSpool spill, Mail mail, EntryHeader header) throws MailQueueException {
        try {
            SpoolEntry entry = spill.divert(header, MailEntries.bodyOf(mail));
            enqueuedCount.incrementAndGet();
            LOGGER.debug("Mail spooled to the overflow queue={} mail={} sequence={} bytes={}", name.asString(),
                mail.getName(), entry.getSequence(), entry.getFileSize());
        } catch (StoreException | MessagingException e) {
            throw new MailQueueException("cannot spool mail " + mail.getName() + " in queue " + name.asString()
                + ": the RAM spool is above its high watermark and the overflow " + spill.getDirectory()
                + " refused it: " + e.getMessage(), e);
        }
    }

    /**
     * Connects the overflow of the intake queue: from now on, new mail goes to disk while the RAM
     * spool is above its high watermark, and comes back through the destination below.
     */
    void attachOverflow(OverflowSpool spill) {
        overflow = Optional.of(spill);
        spill.attach(new OverflowSpool.Destination() {
            @Override
            public Optional<SpoolEntry> copyIn(Path source) throws StoreException {
                return store.adoptEntry(area, source);
            }

            @Override
            public void enqueue(SpoolEntry entry) {
                add(entry);
            }
        });
    }

    /** Mails of this queue waiting in the overflow directory on disk; 0 without overflow. */
    public long getOverflowCount() {
        return overflow.map(OverflowSpool::getEntryCount).orElse(0L);
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        enQueue(mail, Duration.ZERO);
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.<Void>fromCallable(() -> {
            enQueue(mail);
            return null;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private EntryHeader describe(Mail mail, long now, long readyAt) throws MailQueueException {
        try {
            return MailEntries.describe(mail)
                .sequence(store.nextSequence())
                .enqueuedAtMillis(now)
                .nextDeliveryMillis(readyAt)
                .priority(priorityOf(mail))
                .build();
        } catch (MessagingException | RuntimeException e) {
            throw new MailQueueException("cannot read mail " + mail.getName() + " to spool it in queue "
                + name.asString() + ": " + e.getMessage(), asException(e));
        }
    }

    /**
     * Writes the mail to the RAM spool. Empty when the spool is full and {@code overflowAvailable}:
     * the caller then writes it to the overflow.
     */
    private Optional<SpoolEntry> write(Mail mail, EntryHeader header, boolean overflowAvailable)
        throws MailQueueException {
        try {
            return Optional.of(store.write(area, header, MailEntries.bodyOf(mail)));
        } catch (SpoolFullException e) {
            if (overflowAvailable) {
                return Optional.empty();
            }
            throw new MailQueueException("cannot spool mail " + mail.getName() + " in queue " + name.asString()
                + ": " + e.getMessage(), e);
        } catch (StoreException | MessagingException e) {
            throw new MailQueueException("cannot spool mail " + mail.getName() + " in queue " + name.asString()
                + ": " + e.getMessage(), e);
        }
    }

    private static Exception asException(Throwable t) {
        return t instanceof Exception ? (Exception) t : new RuntimeException(t);
    }

    private static long readyAt(long now, Duration delay) {
        if (delay == null || delay.isNegative() || delay.isZero()) {
            return now;
        }
        try {
            return Math.addExact(now, delay.toMillis());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @VisibleForTesting
    static int priorityOf(Mail mail) {
        return mail.getAttribute(MailPrioritySupport.MAIL_PRIORITY)
            .map(Attribute::getValue)
            .flatMap(value -> value.valueAs(Integer.class))
            .map(priority -> Math.max(MailPrioritySupport.LOW_PRIORITY,
                Math.min(MailPrioritySupport.HIGH_PRIORITY, priority)))
            .orElse(MailPrioritySupport.NORMAL_PRIORITY);
    }

    /** Adds an entry to the index; the caller holds the lock or is the constructor. */
    private void index(QueuedEntry queued) {
        waiting.put(queued.getSequence(), queued);
        if (queued.isReady(clock.millis())) {
            ready.add(queued);
        } else {
            delayed.add(queued);
        }
    }

    @Override
    public Publisher<MailQueueItem> deQueue() {
        return Flux.<RamSpoolMailQueueItem>create(this::startWorker, FluxSink.OverflowStrategy.BUFFER)
            .doOnDiscard(RamSpoolMailQueueItem.class, RamSpoolMailQueueItem::releaseUnconsumed)
            .map(item -> decoratorFactory.decorate(item, name));
    }

    private void startWorker(FluxSink<RamSpoolMailQueueItem> sink) {
        DequeueWorker worker = new DequeueWorker(this, sink);
        workers.add(worker);
        worker.start();
    }

    void workerStopped(DequeueWorker worker) {
        workers.remove(worker);
    }

    /**
     * Blocks until a mail is ready or the worker stops. Returns the entry, now in flight, or empty
     * when the worker was stopped.
     */
    Optional<QueuedEntry> takeReady(DequeueWorker worker) throws InterruptedException {
        lock.lock();
        try {
            while (!worker.isStopped()) {
                long now = clock.millis();
                promoteDueEntries(now);
                QueuedEntry next = ready.poll();
                if (next != null) {
                    waiting.remove(next.getSequence());
                    inFlight.put(next.getSequence(), next);
                    dequeuedCount.incrementAndGet();
                    return Optional.of(next);
                }
                changed.await(millisUntilNextDue(now), TimeUnit.MILLISECONDS);
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private void promoteDueEntries(long now) {
        while (!delayed.isEmpty() && delayed.peek().isReady(now)) {
            ready.add(delayed.poll());
        }
    }

    private long millisUntilNextDue(long now) {
        if (delayed.isEmpty()) {
            return MAX_WAIT_MILLIS;
        }
        return Math.max(1, Math.min(MAX_WAIT_MILLIS, delayed.peek().getReadyAtMillis() - now));
    }

    /** Wakes every worker, for example so that a stopped one notices it. */
    void signalWorkers() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Builds the item for an in-flight entry; a mail that cannot be rebuilt is set aside. */
    Optional<RamSpoolMailQueueItem> toItem(QueuedEntry queued) {
        try {
            return Optional.of(new RamSpoolMailQueueItem(this, queued, MailEntries.toMail(store, queued.getEntry())));
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Spooled mail cannot be rebuilt and stays in the spool, out of the queue, until restart"
                    + " queue={} path={}", name.asString(), queued.getEntry().getPath(), e);
            return Optional.empty();
        }
    }

    void complete(QueuedEntry queued, MailQueueItem.CompletionStatus status) throws MailQueueException {
        if (status == MailQueueItem.CompletionStatus.SUCCESS) {
            delete(queued);
        } else {
            putBack(queued, status);
        }
    }

    private void delete(QueuedEntry queued) throws MailQueueException {
        try {
            store.delete(queued.getEntry());
        } catch (StoreException e) {
            throw new MailQueueException("cannot remove processed mail " + queued.getEntry().getHeader().getName()
                + " from queue " + name.asString() + ": " + e.getMessage(), e);
        }
        lock.lock();
        try {
            inFlight.remove(queued.getSequence());
        } finally {
            lock.unlock();
        }
    }

    /** Returns an in-flight entry to the ready set: processing failed or was abandoned. */
    void putBack(QueuedEntry queued, MailQueueItem.CompletionStatus status) {
        lock.lock();
        try {
            if (inFlight.remove(queued.getSequence()) == null) {
                return;
            }
            queued.makeReadyAt(clock.millis());
            index(queued);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOGGER.debug("Mail returned to queue queue={} mail={} status={}", name.asString(),
            queued.getEntry().getHeader().getName(), status);
    }

    @Override
    public long getSize() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Mails dequeued and not yet completed. */
    public long getInFlightCount() {
        lock.lock();
        try {
            return inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    /** Mails enqueued since this JVM opened the queue. */
    public long getEnqueuedCount() {
        return enqueuedCount.get();
    }

    /** Mails handed to consumers since this JVM opened the queue, retries included. */
    public long getDequeuedCount() {
        return dequeuedCount.get();
    }

    /** When the oldest mail still in the queue (waiting or in flight) was enqueued. */
    public Optional<Instant> getOldestMailTime() {
        lock.lock();
        try {
            return Stream.concat(waiting.values().stream(), inFlight.values().stream())
                .mapToLong(queued -> queued.getEntry().getHeader().getEnqueuedAtMillis())
                .min()
                .stream()
                .mapToObj(Instant::ofEpochMilli)
                .findFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long flush() {
        lock.lock();
        try {
            long now = clock.millis();
            int flushed = delayed.size();
            for (QueuedEntry queued : delayed) {
                queued.makeReadyAt(now);
                ready.add(queued);
            }
            delayed.clear();
            changed.signalAll();
            LOGGER.info("Mail queue flushed queue={} mails={}", name.asString(), flushed);
            return flushed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long clear() throws MailQueueException {
        long removed = removeMatching(queued -> true);
        LOGGER.info("Mail queue cleared queue={} mails={}", name.asString(), removed);
        return removed;
    }

    @Override
    public long remove(Type type, String value) throws MailQueueException {
        long removed = removeMatching(matcher(type, value));
        LOGGER.info("Mails removed from queue queue={} by={} mails={}", name.asString(), type, removed);
        return removed;
    }

    private static Predicate<QueuedEntry> matcher(Type type, String value) {
        switch (type) {
            case Name:
                return queued -> queued.getEntry().getHeader().getName().equals(value);
            case Sender:
                return queued -> queued.getEntry().getHeader().getSender().orElse("").equals(value);
            case Recipient:
                return queued -> queued.getEntry().getHeader().getRecipients().contains(value);
            default:
                throw new IllegalArgumentException("unknown removal type " + type);
        }
    }

    private long removeMatching(Predicate<QueuedEntry> predicate) throws MailQueueException {
        List<QueuedEntry> removed = new ArrayList<>();
        lock.lock();
        try {
            waiting.values().removeIf(queued -> predicate.test(queued) && removed.add(queued));
            ready.removeIf(predicate);
            delayed.removeIf(predicate);
        } finally {
            lock.unlock();
        }
        deleteAll(removed);
        return removed.size();
    }

    private void deleteAll(List<QueuedEntry> removed) throws MailQueueException {
        List<String> failures = new ArrayList<>();
        for (QueuedEntry queued : removed) {
            try {
                store.delete(queued.getEntry());
            } catch (StoreException e) {
                LOGGER.error("Cannot delete removed mail queue={} path={}", name.asString(),
                    queued.getEntry().getPath(), e);
                failures.add(queued.getEntry().getPath().toString());
            }
        }
        if (!failures.isEmpty()) {
            throw new MailQueueException("cannot delete " + failures.size() + " removed mails of queue "
                + name.asString() + ", first: " + failures.get(0));
        }
    }

    @Override
    public MailQueueIterator browse() {
        List<QueuedEntry> snapshot;
        lock.lock();
        try {
            snapshot = new ArrayList<>(waiting.values());
        } finally {
            lock.unlock();
        }
        snapshot.sort(QueuedEntry.DEQUEUE_ORDER);
        return new BrowseIterator(snapshot.iterator());
    }

    private final class BrowseIterator implements MailQueueIterator {
        private final Iterator<QueuedEntry> entries;

        private BrowseIterator(Iterator<QueuedEntry> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public MailQueueItemView next() {
            QueuedEntry queued = entries.next();
            try {
                Mail mail = MailEntries.toMail(store, queued.getEntry());
                return new DefaultMailQueueItemView(mail, nextDelivery(queued));
            } catch (MessagingException e) {
                throw new IllegalStateException("cannot read spooled mail " + queued.getEntry().getPath(), e);
            }
        }

        @Override
        public void close() {
            // Nothing to release: the iterator walks an in-memory snapshot.
        }
    }

    private Optional<ZonedDateTime> nextDelivery(QueuedEntry queued) {
        long readyAt = queued.getReadyAtMillis();
        if (readyAt == Long.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(ZonedDateTime.ofInstant(Instant.ofEpochMilli(readyAt), ZoneOffset.UTC));
    }

    /**
     * Does nothing: the queue is shared by every James component that asked for it, and James
     * closes queues after each use (its webadmin routes even close one twice per request), so a
     * close must not stop another component's consumer. Dequeue threads end when their
     * subscription is cancelled, or all at once through {@link RamSpoolMailQueueFactory#stop()}
     * at shutdown. Every mail stays in the store either way.
     */
    @Override
    public void close() {
        LOGGER.debug("Mail queue closed by a holder, consumers keep running queue={}", name.asString());
    }

    /** Stops every dequeue worker, at server shutdown. */
    void stopWorkers() {
        workers.forEach(DequeueWorker::stop);
        signalWorkers();
    }

    String getQueueName() {
        return name.asString();
    }
}
