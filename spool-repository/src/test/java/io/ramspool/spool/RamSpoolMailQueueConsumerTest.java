package io.ramspool.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.mailet.Mail;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The queue under a long-lived consumer shaped like James's RemoteDelivery: one subscription,
 * flatMap with a wide concurrency, a failed attempt re-enqueued with a long delay. Admin actions
 * on the queue (flush, clear) must reach that running consumer.
 */
class RamSpoolMailQueueConsumerTest {
    private RamDiskDirectory directory;
    private SpoolStore store;
    private RamSpoolMailQueueFactory factory;
    private RamSpoolMailQueue testee;
    private Scheduler processing;
    private Scheduler dequeueing;
    private Disposable consumer;
    private final List<String> attempts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        directory = RamDiskDirectory.create("consumer");
        store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
        factory = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory());
        testee = factory.createQueue(MailQueueName.of("outgoing"));
        processing = Schedulers.newBoundedElastic(4, 100, "test-process");
        dequeueing = Schedulers.newSingle("test-dequeue");
        consumer = Flux.from(testee.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> attemptAndRetryLater(item)).subscribeOn(processing), 256)
            .subscribeOn(dequeueing)
            .subscribe();
    }

    @AfterEach
    void tearDown() throws Exception {
        consumer.dispose();
        processing.dispose();
        dequeueing.dispose();
        factory.stop();
        store.close();
        directory.delete();
    }

    private void attemptAndRetryLater(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        attempts.add(mail.getName());
        try {
            testee.enQueue(mail, Duration.ofHours(1));
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void flushShouldHandDelayedMailsToARunningConsumer() throws Exception {
        testee.enQueue(TestMails.mail("one", 100));
        testee.enQueue(TestMails.mail("two", 100));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 2);

        testee.flush();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 4);
        assertThat(attempts).containsExactlyInAnyOrder("one", "two", "one", "two");
    }

    @Test
    void anotherHolderClosingTheQueueShouldNotStopTheRunningConsumer() throws Exception {
        // James's webadmin routes get the queue and close it after each request.
        factory.getQueue(MailQueueName.of("outgoing")).orElseThrow().close();

        testee.enQueue(TestMails.mail("after-close", 100));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> attempts.contains("after-close"));
    }

    @Test
    void newMailAfterAClearShouldReachARunningConsumer() throws Exception {
        testee.enQueue(TestMails.mail("cleared", 100));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 1);

        testee.clear();
        testee.enQueue(TestMails.mail("after-clear", 100));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> attempts.contains("after-clear"));
        assertThat(testee.getSize()).isEqualTo(1);
    }
}
