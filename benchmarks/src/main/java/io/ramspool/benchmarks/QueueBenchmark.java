package io.ramspool.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import com.google.common.base.Strings;

import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Enqueue, dequeue and {@code done(SUCCESS)} per second with 10 KiB mails, for three queues in one
 * run: ramspool on the RAM disk ({@code /dev/shm}), James's in-memory queue (no persistence: the
 * ceiling), and ramspool in durable mode (fsync) on the normal disk.
 *
 * <p>{@code roundTrip} times one mail through the queue; {@code batchOf100} enqueues 100 mails
 * before draining them, so enqueue meets a backlog; {@code roundTripFourThreads} adds contention.
 * The durable directory defaults to {@code target/durable-spool} under the working directory and
 * can be moved with {@code -Dramspool.bench.diskDirectory=PATH}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class QueueBenchmark {
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final int BATCH = 100;

    @Param({"memory", "ramdisk", "durable-disk"})
    public String queue;

    @Param({"10240"})
    public int bodyBytes;

    private Path spoolDirectory;
    private SpoolStore store;
    private MailQueue testee;
    private Mail mail;
    private final LinkedBlockingQueue<MailQueue.MailQueueItem> dequeued = new LinkedBlockingQueue<>();
    private Disposable subscription;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        mail = FakeMail.builder()
            .name("benchmark")
            .sender("sender@example.com")
            .recipient("rcpt@example.org")
            .mimeMessage(message(bodyBytes))
            .build();
        testee = createQueue();
        subscription = Flux.from(testee.deQueue()).subscribe(dequeued::add);
    }

    private MailQueue createQueue() throws IOException {
        RawMailQueueItemDecoratorFactory decorator = new RawMailQueueItemDecoratorFactory();
        switch (queue) {
            case "memory":
                return new MemoryMailQueueFactory(decorator).createQueue(MailQueueName.of("spool"));
            case "ramdisk":
                spoolDirectory = Paths.get("/dev/shm", "ramspool-bench-" + UUID.randomUUID());
                store = SpoolStore.open(StoreOptions.ramDisk(spoolDirectory));
                break;
            case "durable-disk":
                spoolDirectory = Paths.get(System.getProperty("ramspool.bench.diskDirectory", "target/durable-spool"))
                    .resolve(UUID.randomUUID().toString());
                store = SpoolStore.open(StoreOptions.durable(spoolDirectory));
                break;
            default:
                throw new IllegalArgumentException("unknown queue " + queue);
        }
        return new RamSpoolMailQueueFactory(store, decorator).createQueue(MailQueueName.of("spool"));
    }

    private static MimeMessage message(int bodyBytes) throws MessagingException {
        String line = Strings.repeat("x", 76) + "\r\n";
        String raw = "From: sender@example.com\r\nTo: rcpt@example.org\r\nSubject: benchmark\r\n"
            + "Message-ID: <benchmark@ramspool.test>\r\n\r\n" + Strings.repeat(line, bodyBytes / line.length());
        return new MimeMessage(SESSION, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        subscription.dispose();
        testee.close();
        if (store != null) {
            store.close();
            deleteRecursively(spoolDirectory);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Benchmark
    public void roundTrip() throws Exception {
        testee.enQueue(mail);
        dequeued.take().done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
    }

    @Benchmark
    @Threads(4)
    public void roundTripFourThreads() throws Exception {
        testee.enQueue(mail);
        dequeued.take().done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batchOf100() throws Exception {
        for (int i = 0; i < BATCH; i++) {
            testee.enQueue(mail);
        }
        for (int i = 0; i < BATCH; i++) {
            dequeued.take().done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        }
    }
}
