package io.ramspool.benchmarks.load;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.mailet.base.test.FakeMail;

import com.google.common.base.Stopwatch;

import io.ramspool.benchmarks.relay.ProfileDirectory;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.dump.ReloadReport;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.internal.store.StoreOptions;

/**
 * What a restart after a reboot costs against the spool's size, through the same API the relay
 * and the {@code ramspool} tool call ({@link SpoolDumps}): for each size, a RAM spool on
 * /dev/shm is filled through the James queue API, dumped to a directory on disk (as at a clean
 * stop), wiped (as by a reboot), reloaded from the dump (as at start) and opened once more with
 * checksum verification (the recovery scan the relay runs before James starts).
 */
final class ReloadCostBenchmark {
    private static final Session MAIL_SESSION = Session.getInstance(new Properties());
    private static final MailQueueName QUEUE = MailQueueName.of("spool");

    private final Path dumpRoot;
    private final SizeMix sizeMix;

    ReloadCostBenchmark(Path dumpRoot, SizeMix sizeMix) {
        this.dumpRoot = dumpRoot;
        this.sizeMix = sizeMix;
    }

    /**
     * Measures each size {@code repeats} times and keeps the fastest restart (reload + open), after
     * one unreported pass at the smallest size: on a shared machine the first passes mostly
     * measure the JIT and the other tenants.
     */
    List<ReloadResult> run(List<Integer> sizes, int repeats) {
        if (sizes.isEmpty()) {
            return List.of();
        }
        measure(sizes.stream().mapToInt(Integer::intValue).min().orElseThrow());
        List<ReloadResult> results = new ArrayList<>();
        for (int mails : sizes) {
            ReloadResult fastest = null;
            for (int repeat = 0; repeat < Math.max(1, repeats); repeat++) {
                ReloadResult result = measure(mails);
                System.out.println(result.toLine());
                fastest = fastest == null || result.getRestartMillis() < fastest.getRestartMillis() ? result : fastest;
            }
            results.add(fastest);
        }
        return results;
    }

    private ReloadResult measure(int mails) {
        Path spool = Paths.get("/dev/shm", "ramspool-bench-reload-" + UUID.randomUUID());
        Path dumps = dumpRoot.resolve("dump-" + mails + "-" + System.currentTimeMillis());
        StoreOptions options = StoreOptions.ramDisk(spool);
        try {
            Stopwatch fill = Stopwatch.createStarted();
            long bytes = fill(options, mails);
            long fillMillis = fill.elapsed().toMillis();
            Stopwatch dump = Stopwatch.createStarted();
            SpoolDumps.dump(options, dumps);
            long dumpMillis = dump.elapsed().toMillis();
            wipe(spool);
            Stopwatch reload = Stopwatch.createStarted();
            ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumps);
            long reloadMillis = reload.elapsed().toMillis();
            long openMillis = timeOpen(options);
            return new ReloadResult(mails, bytes, sizeMix.getLabel(), fillMillis, dumpMillis, reloadMillis,
                openMillis, report.getImported());
        } catch (StoreException e) {
            throw new IllegalStateException("spool " + spool + " or dump " + dumps + " failed: " + e.getMessage(), e);
        } finally {
            ProfileDirectory.deleteRecursively(spool);
            ProfileDirectory.deleteRecursively(dumps);
        }
    }

    /** Enqueues {@code mails} mails into queue {@code spool}; returns the bytes the store holds. */
    private long fill(StoreOptions options, int mails) throws StoreException {
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueueFactory factory = new RamSpoolMailQueueFactory(store,
                new RawMailQueueItemDecoratorFactory());
            MailQueue queue = factory.createQueue(QUEUE);
            for (int sequence = 0; sequence < mails; sequence++) {
                queue.enQueue(mail(sequence));
            }
            factory.stop();
            return store.getBytesUsed();
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException("cannot fill spool " + options.getRoot(), e);
        }
    }

    private FakeMail mail(int sequence) throws MessagingException {
        return FakeMail.builder()
            .name("reload-" + sequence)
            .sender("load@client.test")
            .recipient("rcpt@bench.example")
            .mimeMessage(message(sequence, sizeMix.sizeOf(sequence)))
            .build();
    }

    private static MimeMessage message(int sequence, int size) throws MessagingException {
        StringBuilder raw = new StringBuilder(size + 100)
            .append("From: load@client.test\r\nTo: rcpt@bench.example\r\nSubject: reload ").append(sequence)
            .append("\r\nMessage-ID: <reload-").append(sequence).append("@client.test>\r\n\r\n");
        String line = "x".repeat(76) + "\r\n";
        while (raw.length() < size) {
            raw.append(line);
        }
        return new MimeMessage(MAIL_SESSION, new ByteArrayInputStream(raw.toString()
            .getBytes(StandardCharsets.US_ASCII)));
    }

    /** Empties the spool directory, as a reboot empties the RAM disk, and leaves it in place. */
    private static void wipe(Path spool) {
        ProfileDirectory.deleteRecursively(spool);
        try {
            Files.createDirectories(spool);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recreate " + spool, e);
        }
    }

    private static long timeOpen(StoreOptions options) {
        Stopwatch open = Stopwatch.createStarted();
        try (SpoolStore store = SpoolStore.open(options)) {
            return open.elapsed().toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spool " + options.getRoot(), e);
        }
    }
}
