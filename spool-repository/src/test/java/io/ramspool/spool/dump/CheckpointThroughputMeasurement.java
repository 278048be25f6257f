package io.ramspool.spool.dump;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.mailet.base.test.FakeMail;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.dump.DumpDirectory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.TestMails;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Measures what the continuous checkpoint costs: mails enqueued, dequeued and completed per
 * second on a RAM-disk spool, without and with the checkpoint, alternating in one JVM. Two
 * scenarios: each mail completed as soon as it is dequeued (most never reach the checkpoint: their
 * commit and deletion fall in one batch), and each mail held longer than the lag before it is
 * completed (every mail is copied, fsynced, and later deleted from the checkpoint). Not a test;
 * see docs/dump-and-reload.md for the command.
 *
 * <p>Arguments, all optional: RAM parent ({@code /dev/shm}), durable parent (java.io.tmpdir),
 * seconds per run (5), rounds (3), body bytes (10240), enqueuer threads (2), lag in ms (1000),
 * mails per second (0: as fast as the machine goes; else a paced load, whose cost shows as CPU
 * time per mail and as the checkpoint's lag rather than as fewer mails per second).
 */
public final class CheckpointThroughputMeasurement {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final long MAX_ENTRIES = 30_000;

    private final Path ramParent;
    private final Path diskParent;
    private final Duration runTime;
    private final byte[] message;
    private final int enqueuers;
    private final Duration lag;
    private final int mailsPerSecond;

    private record Result(double mailsPerSecond, double cpuMicrosPerMail, Optional<CheckpointStatus> checkpoint,
                          long largestLagMillis) {
    }

    private CheckpointThroughputMeasurement(String[] args) {
        this.ramParent = Paths.get(argument(args, 0, "/dev/shm"));
        this.diskParent = Paths.get(argument(args, 1, System.getProperty("java.io.tmpdir")));
        this.runTime = Duration.ofSeconds(Long.parseLong(argument(args, 2, "5")));
        this.message = TestMails.rawMessage("measure", Integer.parseInt(argument(args, 4, "10240")));
        this.enqueuers = Integer.parseInt(argument(args, 5, "2"));
        this.lag = Duration.ofMillis(Long.parseLong(argument(args, 6, "1000")));
        this.mailsPerSecond = Integer.parseInt(argument(args, 7, "0"));
    }

    private static String argument(String[] args, int index, String fallback) {
        return args.length > index ? args[index] : fallback;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(argument(args, 3, "3"));
        CheckpointThroughputMeasurement measurement = new CheckpointThroughputMeasurement(args);
        System.out.printf("spool on %s, checkpoint on %s, %d s per run, %d byte messages, %d enqueuers, lag %d ms,"
                + " load %s%n", measurement.ramParent, measurement.diskParent, measurement.runTime.toSeconds(),
            measurement.message.length, measurement.enqueuers, measurement.lag.toMillis(),
            measurement.mailsPerSecond == 0 ? "unpaced" : measurement.mailsPerSecond + " mails/s");
        measurement.run(false, Duration.ZERO);
        for (Duration hold : List.of(Duration.ZERO, measurement.lag.multipliedBy(2))) {
            measurement.compare(rounds, hold);
        }
        System.exit(0);
    }

    private void compare(int rounds, Duration hold) throws Exception {
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        List<Double> cpuWithout = new ArrayList<>();
        List<Double> cpuWith = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (boolean checkpoint : round % 2 == 1 ? List.of(false, true) : List.of(true, false)) {
                Result result = run(checkpoint, hold);
                (checkpoint ? with : without).add(result.mailsPerSecond());
                (checkpoint ? cpuWith : cpuWithout).add(result.cpuMicrosPerMail());
                System.out.printf("hold %4d ms round %d checkpoint=%-5s %8.0f mails/s %6.1f us CPU/mail%s%n",
                    hold.toMillis(), round, checkpoint, result.mailsPerSecond(), result.cpuMicrosPerMail(),
                    result.checkpoint().map(status -> String.format(
                        "  copied=%d deleted=%d batches=%d largestLagMs=%d", status.getCopiedEntries(),
                        status.getDeletedEntries(), status.getBatches(), result.largestLagMillis())).orElse(""));
            }
        }
        double off = median(without);
        double on = median(with);
        System.out.printf("hold %4d ms median: without %.0f mails/s %.1f us CPU/mail, with checkpoint %.0f mails/s"
                + " %.1f us CPU/mail, cost %.1f %% of the rate%n", hold.toMillis(), off, median(cpuWithout), on,
            median(cpuWith), 100 * (off - on) / off);
    }

    private Result run(boolean checkpointOn, Duration hold) throws Exception {
        Path spool = ramParent.resolve("ramspool-measure-checkpoint-" + UUID.randomUUID());
        Path dumpDir = diskParent.resolve("ramspool-measure-checkpoint-dump-" + UUID.randomUUID());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong completed = new AtomicLong();
        AtomicLong largestLag = new AtomicLong();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        List<Thread> producers = new ArrayList<>();
        Optional<CheckpointStatus> finalStatus = Optional.empty();
        double rate;
        double cpuMicros;
        try (SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(spool))) {
            Optional<SpoolCheckpoint> checkpoint = checkpointOn
                ? Optional.of(SpoolCheckpoint.start(store, dumpDir, lag)) : Optional.empty();
            RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
                .createQueue(SPOOL);
            List<Disposable> consumers = List.of(consume(queue, scheduler, hold, completed),
                consume(queue, scheduler, hold, completed));
            checkpoint.ifPresent(started -> scheduler.scheduleAtFixedRate(() -> largestLag.accumulateAndGet(
                started.getStatus().getLag().toMillis(), Math::max), 0, 50, TimeUnit.MILLISECONDS));
            for (int i = 0; i < enqueuers; i++) {
                Thread producer = new Thread(() -> produce(store, queue, running), "measure-enqueuer-" + i);
                producer.start();
                producers.add(producer);
            }
            Thread.sleep(Math.max(1000, hold.toMillis() + 1000));
            largestLag.set(0);
            long before = completed.get();
            long cpuBefore = processCpuNanos();
            long started = System.nanoTime();
            Thread.sleep(runTime.toMillis());
            long mails = completed.get() - before;
            rate = mails * 1e9 / (System.nanoTime() - started);
            cpuMicros = (processCpuNanos() - cpuBefore) / 1000.0 / Math.max(1, mails);
            running.set(false);
            for (Thread producer : producers) {
                producer.join();
            }
            consumers.forEach(Disposable::dispose);
            queue.close();
            scheduler.shutdownNow();
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            checkpoint.ifPresent(SpoolCheckpoint::stop);
            finalStatus = checkpoint.map(SpoolCheckpoint::getStatus);
        } finally {
            DumpDirectory.deleteTree(spool);
            DumpDirectory.deleteTree(dumpDir);
        }
        return new Result(rate, cpuMicros, finalStatus, largestLag.get());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static Disposable consume(RamSpoolMailQueue queue, ScheduledExecutorService scheduler, Duration hold,
                                      AtomicLong completed) {
        return Flux.from(queue.deQueue()).subscribe(item -> {
            if (hold.isZero()) {
                complete(item, completed);
            } else {
                scheduler.schedule(() -> complete(item, completed), hold.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private static void complete(MailQueue.MailQueueItem item, AtomicLong completed) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            completed.incrementAndGet();
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException(e);
        }
    }

    private void produce(SpoolStore store, RamSpoolMailQueue queue, AtomicBoolean running) {
        Session session = Session.getInstance(new Properties());
        long sequence = 0;
        long periodNanos = mailsPerSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) * enqueuers / mailsPerSecond;
        long next = System.nanoTime();
        try {
            while (running.get()) {
                if (periodNanos > 0) {
                    next += periodNanos;
                    LockSupport.parkNanos(next - System.nanoTime());
                }
                if (store.getEntryCount() > MAX_ENTRIES) {
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                queue.enQueue(FakeMail.builder()
                    .name(Thread.currentThread().getName() + "-" + sequence++)
                    .sender("sender@example.com")
                    .recipient("rcpt@example.org")
                    .mimeMessage(new MimeMessage(session, new ByteArrayInputStream(message)))
                    .build());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
