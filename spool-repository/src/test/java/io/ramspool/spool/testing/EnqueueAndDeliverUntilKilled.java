package io.ramspool.spool.testing;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.dump.SpoolCheckpoint;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import reactor.core.publisher.Flux;

/**
 * Child process of the checkpoint power-loss test: a spool with the continuous checkpoint on,
 * under a steady load, until it is killed.
 *
 * <p>Two enqueuer threads spool mails at a fixed total rate and print
 * {@code ACK <name> <epochMillis>} once {@code enQueue} has returned; one mail in four is delayed
 * by an hour and stays queued. A consumer dequeues the others, "delivers" each one for a random
 * 0 to 1.5 s (so some deletions reach the checkpoint in the batch of their commit, most in a later
 * one) and prints {@code DONE <name> <epochMillis>} once the item is completed, that is once its
 * entry is deleted. Every 100 ms it prints {@code LAG <millis>}, the checkpoint's current lag.
 *
 * <p>Arguments: spool directory, dump directory, lag in ms, mails per second, body bytes.
 */
public final class EnqueueAndDeliverUntilKilled {
    private static final int ENQUEUERS = 2;
    private static final Duration HELD = Duration.ofHours(1);

    private EnqueueAndDeliverUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(Paths.get(args[0])));
        SpoolCheckpoint checkpoint = SpoolCheckpoint.start(store, Paths.get(args[1]),
            Duration.ofMillis(Long.parseLong(args[2])));
        int mailsPerSecond = Integer.parseInt(args[3]);
        int bodyBytes = Integer.parseInt(args[4]);
        RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
            .createQueue(MailQueueName.of("spool"));
        ScheduledExecutorService delivery = Executors.newScheduledThreadPool(2);
        Flux.from(queue.deQueue()).subscribe(item -> deliverLater(delivery, item));
        delivery.scheduleAtFixedRate(() -> print("LAG " + checkpoint.getStatus().getLag().toMillis()), 0, 100,
            TimeUnit.MILLISECONDS);
        AtomicInteger counter = new AtomicInteger();
        long periodNanos = TimeUnit.SECONDS.toNanos(1) * ENQUEUERS / mailsPerSecond;
        for (int i = 0; i < ENQUEUERS; i++) {
            Thread thread = new Thread(() -> enqueueForever(queue, counter, bodyBytes, periodNanos), "enqueuer-" + i);
            thread.start();
        }
    }

    private static void deliverLater(ScheduledExecutorService delivery, MailQueue.MailQueueItem item) {
        long deliveryMillis = ThreadLocalRandom.current().nextLong(1500);
        delivery.schedule(() -> complete(item), deliveryMillis, TimeUnit.MILLISECONDS);
    }

    private static void complete(MailQueue.MailQueueItem item) {
        try {
            String name = item.getMail().getName();
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            print("DONE " + name + " " + System.currentTimeMillis());
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }

    private static void enqueueForever(RamSpoolMailQueue queue, AtomicInteger counter, int bodyBytes,
                                       long periodNanos) {
        try {
            long next = System.nanoTime();
            while (true) {
                int number = counter.incrementAndGet();
                String name = "mail-" + number;
                queue.enQueue(TestMails.mail(name, bodyBytes), number % 4 == 0 ? HELD : Duration.ZERO);
                print("ACK " + name + " " + System.currentTimeMillis());
                next += periodNanos;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
