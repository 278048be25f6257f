package io.ramspool.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueue.MailQueueException;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.capacity.Watermark;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.SmallTmpfs;
import io.ramspool.spool.testing.TestMails;

/** A full spool refuses the next mail clearly and keeps every mail it accepted. */
class RamSpoolCapacityTest {
    private static final int BODY_BYTES = 10 * 1024;

    @Test
    void enqueueBeyondTheSizeCapShouldFailAndKeepEveryAcceptedMail() throws Exception {
        RamDiskDirectory directory = RamDiskDirectory.create("cap");
        try {
            StoreOptions options = StoreOptions.ramDisk(directory.getPath()).withMaxBytes(5 * (BODY_BYTES + 600));

            int accepted = fillUntilRefused(options, "size cap");

            assertThat(accepted).isBetween(4, 5);
            assertReopenFinds(options, accepted);
        } finally {
            directory.delete();
        }
    }

    @Test
    void enqueueOnAFullTmpfsShouldFailAndKeepEveryAcceptedMail() throws Exception {
        Optional<SmallTmpfs> tmpfs = SmallTmpfs.tryMount("256k");
        assumeThat(tmpfs).as("needs root to mount a small tmpfs").isPresent();
        try (SmallTmpfs small = tmpfs.get()) {
            StoreOptions options = StoreOptions.ramDisk(small.getMountPoint().resolve("spool"));

            int accepted = fillUntilRefused(options, "file system is full");

            assertThat(accepted).isPositive();
            assertReopenFinds(options, accepted);
        }
    }

    @Test
    void intakeQueueShouldLeaveTheReserveToMailAlreadyAccepted() throws Exception {
        RamDiskDirectory directory = RamDiskDirectory.create("reserve");
        try (SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath())
                .withMaxBytes(10 * (BODY_BYTES + 600)))) {
            IntakeReserve reserve = new IntakeReserve(new StoreSpoolStatus(store), Watermark.bytes(3 * BODY_BYTES));
            RamSpoolMailQueueFactory factory = new RamSpoolMailQueueFactory(store,
                new RawMailQueueItemDecoratorFactory(), Clock.systemUTC(), Optional.of(reserve));
            RamSpoolMailQueue intake = factory.createQueue(MailQueueFactory.SPOOL);
            RamSpoolMailQueue delivery = factory.createQueue(MailQueueName.of("outgoing"));
            int accepted = 0;
            while (accepted < 20 && tryEnqueue(intake, "new-" + accepted)) {
                accepted++;
            }
            long availableWhenRefused = store.getUsage().getAvailableBytes();

            delivery.enQueue(TestMails.mail("moved-1", BODY_BYTES));
            delivery.enQueue(TestMails.mail("moved-2", BODY_BYTES));

            assertThat(accepted).isBetween(1, 19);
            // The admission check uses the mail's announced size, an estimate: allow one mail of slack.
            assertThat(availableWhenRefused).isGreaterThanOrEqualTo(reserve.getReserveBytes() - (BODY_BYTES + 1024));
            assertThat(delivery.getSize()).isEqualTo(2);
            assertThatThrownBy(() -> intake.enQueue(TestMails.mail("refused", BODY_BYTES)))
                .isInstanceOf(MailQueueException.class)
                .hasMessageContaining("intake reserve");
            factory.stop();
        } finally {
            directory.delete();
        }
    }

    private static boolean tryEnqueue(RamSpoolMailQueue queue, String name) throws Exception {
        try {
            queue.enQueue(TestMails.mail(name, BODY_BYTES));
            return true;
        } catch (MailQueueException e) {
            assertThat(e).hasMessageContaining("intake reserve reached").hasMessageContaining(name);
            return false;
        }
    }

    private static int fillUntilRefused(StoreOptions options, String expectedReason) throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueue queue = queueOn(store);
            int accepted = 0;
            while (accepted < 1000) {
                try {
                    queue.enQueue(TestMails.mail("mail-" + accepted, BODY_BYTES));
                    accepted++;
                } catch (MailQueueException e) {
                    assertThat(e).hasMessageContaining(expectedReason).hasMessageContaining("mail-" + accepted);
                    break;
                }
            }
            assertThat(queue.getSize()).isEqualTo(accepted);
            assertThat(store.getEntryCount()).isEqualTo(accepted);
            assertThatThrownBy(() -> queue.enQueue(TestMails.mail("again", BODY_BYTES)))
                .isInstanceOf(MailQueueException.class);
            assertNoTemporaryFiles(options.getRoot());
            queue.close();
            return accepted;
        }
    }

    private static void assertReopenFinds(StoreOptions options, int accepted) throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            assertThat(queueOn(store).getSize()).isEqualTo(accepted);
            assertThat(store.getRecoveryReport().getQuarantined()).isZero();
        }
    }

    private static RamSpoolMailQueue queueOn(SpoolStore store) {
        return new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
            .createQueue(MailQueueName.of("spool"));
    }

    private static void assertNoTemporaryFiles(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        }
    }
}
