package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.SmallTmpfs;
import io.ramspool.spool.testing.TestMails;

/**
 * A full dump disk (a real 2 MB tmpfs, so the kernel's ENOSPC) fails the checkpoint's writes, not
 * the spool's: enqueue keeps working, the failure is counted and named, and once space is back
 * the checkpoint catches up with the spool.
 */
class CheckpointDiskFullTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final int LARGE_BODY = 1200 * 1024;

    private RamDiskDirectory ramDisk;
    private SmallTmpfs dumpDisk;

    @BeforeEach
    void setUp() throws Exception {
        Optional<SmallTmpfs> mounted = SmallTmpfs.tryMount("2m");
        Assumptions.assumeTrue(mounted.isPresent(), "needs root and permission to mount a tmpfs");
        dumpDisk = mounted.get();
        ramDisk = RamDiskDirectory.create("checkpoint-disk-full");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dumpDisk != null) {
            dumpDisk.close();
            ramDisk.delete();
        }
    }

    @Test
    void fullDumpDiskShouldFailTheCheckpointNotTheSpoolAndBeCaughtUpOnceSpaceIsBack() throws Exception {
        Path dumpDir = dumpDisk.getMountPoint().resolve("dump");
        try (SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(ramDisk.getPath()));
             SpoolCheckpoint checkpoint = SpoolCheckpoint.start(store, dumpDir, Duration.ofMillis(100))) {
            RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
                .createQueue(SPOOL);
            // The disk fills while the checkpoint runs; a failure before its first copy of the spool
            // is established leaves it STARTING by design (a power loss then falls back to the dump).
            await(checkpoint, status -> status.getState() == CheckpointStatus.State.RUNNING);
            queue.enQueue(TestMails.mail("large-0", LARGE_BODY));
            queue.enQueue(TestMails.mail("large-1", LARGE_BODY));
            CheckpointStatus failing = await(checkpoint, status -> status.getFailures() > 0);
            queue.enQueue(TestMails.mail("small-while-full", 1000));

            queue.remove(ManageableMailQueue.Type.Name, "large-0");
            CheckpointStatus recovered = await(checkpoint,
                status -> status.getState() == CheckpointStatus.State.RUNNING && status.getLag().isZero());

            assertThat(failing.getState()).isEqualTo(CheckpointStatus.State.FAILING);
            assertThat(failing.getLastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("the dump file system is full"));
            assertThat(queue.getSize()).isEqualTo(2);
            assertThat(recovered.getResyncs()).isGreaterThanOrEqualTo(2);
            assertThat(checkpointEntryCount(dumpDir)).isEqualTo(2);
        }
    }

    private static CheckpointStatus await(SpoolCheckpoint checkpoint, Predicate<CheckpointStatus> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        CheckpointStatus status = checkpoint.getStatus();
        while (!condition.test(status) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            status = checkpoint.getStatus();
        }
        assertThat(condition).as("checkpoint status %s", status).accepts(status);
        return status;
    }

    private static long checkpointEntryCount(Path dumpDir) throws Exception {
        try (Stream<Path> walk = Files.walk(dumpDir.resolve("checkpoint"))) {
            return walk.map(path -> path.getFileName().toString())
                .filter(name -> name.endsWith(".msg") && !name.startsWith(".tmp-"))
                .count();
        }
    }
}
