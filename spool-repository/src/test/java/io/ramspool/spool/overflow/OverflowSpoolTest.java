package io.ramspool.spool.overflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueue.MailQueueException;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.spool.IntakeReserve;
import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.StoreSpoolStatus;
import io.ramspool.spool.capacity.CapacityGuard;
import io.ramspool.spool.capacity.CapacityPolicy;
import io.ramspool.spool.capacity.Watermark;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;
import reactor.core.publisher.Flux;

/**
 * The intake queue's overflow on a real RAM disk directory (a 20-mail size cap on /dev/shm) and a
 * real disk directory: above the high watermark new mail goes to disk, comes back once the RAM
 * spool drains, survives a restart, and is never duplicated by a move that a crash interrupted.
 */
class OverflowSpoolTest {
    private static final int BODY_BYTES = 10 * 1024;
    private static final long ENTRY_BYTES = BODY_BYTES + 1024;
    private static final AreaId INTAKE = AreaId.queue(MailQueueFactory.SPOOL.asString());

    @TempDir
    Path disk;
    private RamDiskDirectory ramDirectory;
    private StoreOptions ramOptions;
    private StoreOptions diskOptions;
    private Running running;

    @BeforeEach
    void setUp() {
        ramDirectory = RamDiskDirectory.create("overflow");
        ramOptions = StoreOptions.ramDisk(ramDirectory.getPath()).withMaxBytes(20 * ENTRY_BYTES);
        diskOptions = StoreOptions.durable(disk.resolve("overflow"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (running != null) {
            running.close();
        }
        ramDirectory.delete();
    }

    /** A relay's spool as the Guice module assembles it, with the watermarks at 50% and 25%. */
    private final class Running implements AutoCloseable {
        private final SpoolStore ram;
        private final SpoolStore overflowStore;
        private final OverflowSpool overflow;
        private final RamSpoolMailQueueFactory factory;
        private final RamSpoolMailQueue intake;

        Running() throws Exception {
            ram = SpoolStore.open(ramOptions);
            overflowStore = SpoolStore.open(diskOptions);
            CapacityPolicy policy = new CapacityPolicy(Watermark.percent(50), Watermark.percent(25), 1000, 500, 0);
            CapacityGuard guard = new CapacityGuard(new StoreSpoolStatus(ram), policy,
                Optional.of(new StoreSpoolStatus(overflowStore)));
            IntakeReserve reserve = new IntakeReserve(new StoreSpoolStatus(ram), Watermark.bytes(2 * ENTRY_BYTES));
            overflow = OverflowSpool.open(INTAKE, overflowStore, ram, guard, Optional.of(reserve));
            factory = new RamSpoolMailQueueFactory(ram, new RawMailQueueItemDecoratorFactory(), Clock.systemUTC(),
                Optional.of(reserve), Optional.of(overflow));
            intake = factory.createQueue(MailQueueFactory.SPOOL);
        }

        @Override
        public void close() throws Exception {
            factory.stop();
            ram.close();
            overflowStore.close();
            running = null;
        }
    }

    @Test
    void intakeShouldGoToDiskAboveTheHighWatermarkInsteadOfBeingRefused() throws Exception {
        running = new Running();

        List<String> accepted = enqueue(running.intake, "mail-", 30);

        assertThat(accepted).hasSize(30);
        assertThat(running.ram.getEntryCount()).isBetween(9L, 11L);
        assertThat(running.overflow.getEntryCount()).isEqualTo(30 - running.ram.getEntryCount());
        assertThat(running.intake.getSize()).isEqualTo(running.ram.getEntryCount());
        assertThat(running.intake.getOverflowCount()).isEqualTo(running.overflow.getEntryCount());
        assertThat(running.overflow.isDiverting()).isTrue();
    }

    @Test
    void overflowedMailShouldComeBackOnceTheRamSpoolDrainsWithEveryProperty() throws Exception {
        running = new Running();
        List<String> accepted = enqueue(running.intake, "mail-", 30);
        Mail sample = TestMails.mail("mail-29", BODY_BYTES);

        Map<String, byte[]> bodies = new HashMap<>();
        List<Mail> delivered = drain(running.intake, 30, bodies);

        assertThat(delivered).extracting(Mail::getName).containsExactlyInAnyOrderElementsOf(accepted);
        Mail last = delivered.stream().filter(mail -> mail.getName().equals("mail-29")).findFirst().orElseThrow();
        assertThat(last.getRecipients()).isEqualTo(sample.getRecipients());
        assertThat(last.getMaybeSender()).isEqualTo(sample.getMaybeSender());
        assertThat(bodies.get("mail-29")).isEqualTo(TestMails.asBytes(sample.getMessage()));
        assertThat(running.overflow.getEntryCount()).isZero();
        assertThat(running.overflow.getMovedCount()).isEqualTo(running.overflow.getDivertedCount()).isPositive();
        assertThat(running.ram.getEntryCount()).isZero();
        assertThat(entryFiles(diskOptions.getRoot())).isEmpty();
    }

    @Test
    void overflowedMailShouldSurviveARestartAndComeBack() throws Exception {
        running = new Running();
        List<String> accepted = enqueue(running.intake, "mail-", 30);
        running.close();

        running = new Running();
        List<Mail> delivered = drain(running.intake, 30);

        assertThat(delivered).extracting(Mail::getName).containsExactlyInAnyOrderElementsOf(accepted);
    }

    @Test
    void moveInterruptedAfterTheRamCopyShouldNotDuplicateTheMail() throws Exception {
        running = new Running();
        List<String> accepted = enqueue(running.intake, "mail-", 30);
        running.close();
        Path interrupted = entryFiles(diskOptions.getRoot()).get(0);
        Path ramArea = ramOptions.getRoot().resolve("queue").resolve(INTAKE.encodedName());
        Files.copy(interrupted, ramArea.resolve(interrupted.getFileName()));

        running = new Running();
        List<Mail> delivered = drain(running.intake, 30);

        assertThat(Files.exists(interrupted)).isFalse();
        assertThat(delivered).extracting(Mail::getName).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(running.ram.getEntryCount() + running.overflow.getEntryCount()).isZero();
    }

    @Test
    void wipedRamSpoolShouldNeverReuseTheSequenceOfAnOverflowedMail() throws Exception {
        running = new Running();
        enqueue(running.intake, "before-", 30);
        long overflowed = running.overflow.getEntryCount();
        running.close();
        ramDirectory.delete();

        running = new Running();
        List<String> accepted = enqueue(running.intake, "after-", 5);
        List<Mail> delivered = drain(running.intake, (int) overflowed + accepted.size());

        assertThat(delivered).hasSize((int) overflowed + accepted.size());
        assertThat(delivered).extracting(Mail::getName).containsAll(accepted);
    }

    @Test
    void fullOverflowShouldRefuseTheMailClearly() throws Exception {
        diskOptions = diskOptions.withMaxBytes(3 * ENTRY_BYTES);
        running = new Running();

        List<String> accepted = enqueue(running.intake, "mail-", 30);

        assertThat(accepted.size()).isLessThan(30);
        assertThat(running.overflow.getEntryCount()).isBetween(2L, 3L);
        assertThatThrownBy(() -> running.intake.enQueue(TestMails.mail("refused", BODY_BYTES)))
            .isInstanceOf(MailQueueException.class)
            .hasMessageContaining("refused")
            .hasMessageContaining("overflow");
        assertThat(running.ram.getEntryCount() + running.overflow.getEntryCount()).isEqualTo(accepted.size());
    }

    @Test
    void openShouldRefuseAnOverflowStoreThatIsNotDurable() throws Exception {
        try (SpoolStore ram = SpoolStore.open(ramOptions);
             SpoolStore notDurable = SpoolStore.open(StoreOptions.ramDisk(disk.resolve("fast")))) {
            CapacityGuard guard = new CapacityGuard(new StoreSpoolStatus(ram), CapacityPolicy.defaults());

            assertThatThrownBy(() -> OverflowSpool.open(INTAKE, notDurable, ram, guard, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be durable");
        }
    }

    private static List<String> enqueue(RamSpoolMailQueue queue, String prefix, int count) throws Exception {
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                queue.enQueue(TestMails.mail(prefix + i, BODY_BYTES));
                accepted.add(prefix + i);
            } catch (MailQueueException e) {
                break;
            }
        }
        return accepted;
    }

    /** Dequeues and completes {@code count} mails, as the spooler does; the mover refills the queue. */
    private static List<Mail> drain(RamSpoolMailQueue queue, int count) {
        return drain(queue, count, new HashMap<>());
    }

    /** Also keeps each message's bytes, read before completion deletes its file. */
    private static List<Mail> drain(RamSpoolMailQueue queue, int count, Map<String, byte[]> bodies) {
        List<Mail> mails = new ArrayList<>();
        Flux.from(queue.deQueue())
            .take(count)
            .timeout(Duration.ofSeconds(30))
            .doOnNext(item -> {
                mails.add(item.getMail());
                bodies.put(item.getMail().getName(), bytesOf(item.getMail()));
                complete(item);
            })
            .blockLast();
        return mails;
    }

    private static byte[] bytesOf(Mail mail) {
        try {
            return TestMails.asBytes(mail.getMessage());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void complete(MailQueueItem item) {
        try {
            item.done(MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueueException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> entryFiles(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".msg"))
                .filter(path -> !path.toString().contains("quarantine"))
                .sorted()
                .toList();
        }
    }
}
