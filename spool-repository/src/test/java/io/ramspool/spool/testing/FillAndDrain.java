package io.ramspool.spool.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import reactor.core.publisher.Flux;

/**
 * Child process of the heap test, meant to run with a small {@code -Xmx}. {@code fill DIR N BYTES}
 * enqueues N mails; {@code drain DIR N BYTES} reopens the spool, then dequeues and completes every
 * mail, checking its size. Prints one line per phase: the phase, the mail count and the heap in
 * use after a full GC, in bytes.
 */
public final class FillAndDrain {
    private static final int THREADS = 4;

    private FillAndDrain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int count = Integer.parseInt(args[2]);
        int bodyBytes = Integer.parseInt(args[3]);
        try (SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(Paths.get(args[1])))) {
            RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
                .createQueue(MailQueueName.of("spool"));
            if (mode.equals("fill")) {
                fill(queue, count, bodyBytes);
                report("FILLED", queue.getSize());
            } else {
                report("OPENED", queue.getSize());
                report("DRAINED", drain(queue, count, bodyBytes));
            }
            queue.close();
        }
    }

    private static void fill(RamSpoolMailQueue queue, int count, int bodyBytes) throws Exception {
        List<Thread> threads = new ArrayList<>();
        AtomicLong next = new AtomicLong();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        queue.enQueue(TestMails.mail("mail-" + i, bodyBytes));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private static long drain(RamSpoolMailQueue queue, int count, int bodyBytes) {
        return Flux.from(queue.deQueue())
            .take(count)
            .doOnNext(item -> complete(item, bodyBytes))
            .count()
            .block(Duration.ofMinutes(10));
    }

    private static void complete(MailQueue.MailQueueItem item, int bodyBytes) {
        try {
            if (item.getMail().getMessageSize() < bodyBytes) {
                throw new IllegalStateException("mail " + item.getMail().getName() + " lost part of its body");
            }
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void report(String phase, long mails) {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println(phase + " " + mails + " " + used);
        System.out.flush();
    }
}
