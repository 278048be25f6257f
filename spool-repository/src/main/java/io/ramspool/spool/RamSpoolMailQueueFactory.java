package io.ramspool.spool;

import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.annotation.PreDestroy;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.overflow.OverflowSpool;

/**
 * Creates James mail queues on a {@link SpoolStore}: one {@link RamSpoolMailQueue} per name, shared
 * by every caller (James asks for the spool queue several times); closing a queue does not stop
 * its consumers, {@link #stop()} does at shutdown. Queues whose directory holds
 * mail from a previous run are listed even before a component asks for them, so that webadmin
 * shows them.
 */
public class RamSpoolMailQueueFactory implements MailQueueFactory<RamSpoolMailQueue> {
    private final SpoolStore store;
    private final MailQueueItemDecoratorFactory decoratorFactory;
    private final Clock clock;
    private final Optional<IntakeReserve> intakeReserve;
    private final Optional<OverflowSpool> overflow;
    private final Map<MailQueueName, RamSpoolMailQueue> queues = new ConcurrentHashMap<>();

    /**
     * @param intakeReserve room that James's intake queue ({@code spool}) leaves free for mail
     *     already accepted; empty for none
     * @param overflow where the intake queue puts new mail above the high watermark; empty to
     *     refuse it instead
     */
    public RamSpoolMailQueueFactory(SpoolStore store, MailQueueItemDecoratorFactory decoratorFactory, Clock clock,
                                    Optional<IntakeReserve> intakeReserve, Optional<OverflowSpool> overflow) {
        this.store = store;
        this.decoratorFactory = decoratorFactory;
        this.clock = clock;
        this.intakeReserve = intakeReserve;
        this.overflow = overflow;
    }

    public RamSpoolMailQueueFactory(SpoolStore store, MailQueueItemDecoratorFactory decoratorFactory, Clock clock,
                                    Optional<IntakeReserve> intakeReserve) {
        this(store, decoratorFactory, clock, intakeReserve, Optional.empty());
    }

    public RamSpoolMailQueueFactory(SpoolStore store, MailQueueItemDecoratorFactory decoratorFactory, Clock clock) {
        this(store, decoratorFactory, clock, Optional.empty());
    }

    public RamSpoolMailQueueFactory(SpoolStore store, MailQueueItemDecoratorFactory decoratorFactory) {
        this(store, decoratorFactory, Clock.systemUTC());
    }

    @Override
    public Optional<RamSpoolMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        RamSpoolMailQueue queue = queues.get(name);
        if (queue != null) {
            return Optional.of(queue);
        }
        if (hasStoredArea(name)) {
            return Optional.of(createQueue(name, count));
        }
        return Optional.empty();
    }

    @Override
    public RamSpoolMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return queues.computeIfAbsent(name, queueName -> {
            RamSpoolMailQueue queue = store.view(AreaId.queue(queueName.asString()),
                recovered -> new RamSpoolMailQueue(queueName, store, recovered, decoratorFactory, clock,
                    reserveFor(queueName)));
            if (SPOOL.equals(queueName)) {
                overflow.ifPresent(queue::attachOverflow);
            }
            return queue;
        });
    }

    /** The intake queue's overflow directory, when {@code overflow=disk}. */
    public Optional<OverflowSpool> getOverflow() {
        return overflow;
    }

    private Optional<IntakeReserve> reserveFor(MailQueueName name) {
        return SPOOL.equals(name) ? intakeReserve : Optional.empty();
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        ImmutableSet.Builder<MailQueueName> names = ImmutableSet.<MailQueueName>builder().addAll(queues.keySet());
        storedQueueAreas().forEach(area -> names.add(MailQueueName.of(area.getName())));
        return names.build();
    }

    private boolean hasStoredArea(MailQueueName name) {
        return storedQueueAreas().contains(AreaId.queue(name.asString()));
    }

    private Set<AreaId> storedQueueAreas() {
        try {
            return store.listAreas().stream()
                .filter(area -> area.getKind() == AreaId.Kind.QUEUE)
                .collect(ImmutableSet.toImmutableSet());
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the queues of spool " + store.getRoot(), e);
        }
    }

    /** The queues opened so far in this JVM. */
    public Collection<RamSpoolMailQueue> getOpenQueues() {
        return ImmutableList.copyOf(queues.values());
    }

    public SpoolStore getStore() {
        return store;
    }

    /** Stops every queue's dequeue threads; the mails stay in the store for the next start. */
    @PreDestroy
    public void stop() {
        overflow.ifPresent(OverflowSpool::close);
        queues.values().forEach(RamSpoolMailQueue::stopWorkers);
    }
}
