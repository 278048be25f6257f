package io.ramspool.spool.testing;

import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;

/**
 * Child process of the crash test: enqueues mails from several threads until it is killed,
 * printing {@code ACK <name>} once {@code enQueue} has returned for a mail.
 * Arguments: spool directory, body size in bytes, thread count, mail name prefix.
 */
public final class EnqueueUntilKilled {
    private EnqueueUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(Paths.get(args[0])));
        int bodyBytes = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
            .createQueue(MailQueueName.of("spool"));
        String prefix = args[3];
        AtomicInteger counter = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> enqueueForever(queue, prefix, counter, bodyBytes), "enqueuer-" + i);
            thread.start();
        }
    }

    private static void enqueueForever(RamSpoolMailQueue queue, String prefix, AtomicInteger counter,
                                       int bodyBytes) {
        try {
            while (true) {
                String name = prefix + counter.incrementAndGet();
                queue.enQueue(TestMails.mail(name, bodyBytes));
                synchronized (System.out) {
                    System.out.println("ACK " + name);
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }
}
