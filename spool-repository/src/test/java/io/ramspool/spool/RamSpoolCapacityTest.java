package io.ramspool.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueue.MailQueueException;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.Test;

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
