package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.spool.Durability;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.SpoolStores;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;

/** The calls a launcher makes around James, in their order, with the checkpoint on and off. */
class SpoolDumpServiceTest {
    @TempDir
    Path dumpDir;

    private RamDiskDirectory ramDisk;
    private SpoolConfiguration spool;

    @BeforeEach
    void setUp() {
        ramDisk = RamDiskDirectory.create("dump-service");
        spool = new SpoolConfiguration(ramDisk.getPath(), Durability.RAMDISK, 0, true);
    }

    @AfterEach
    void tearDown() {
        SpoolStores.close(ramDisk.getPath());
        ramDisk.delete();
    }

    private SpoolDumpService service(boolean checkpoint) {
        return new SpoolDumpService(spool,
            new DumpConfiguration(dumpDir, true, true, checkpoint, Duration.ofMillis(100)));
    }

    @Test
    void launcherSequenceWithCheckpointShouldKeepTheReloadedDumpAsCheckpointAndRetireItAtTheNextDump()
            throws Exception {
        SpoolDumpService first = service(true);
        first.reloadOnStart();
        runRelay(first, 3);
        first.dumpOnStop();
        ramDisk.delete();
        SpoolDumpService second = service(true);

        Optional<ReloadReport> reload = second.reloadOnStart();
        SpoolStore store = SpoolStores.open(spool.toStoreOptions());
        Optional<SpoolCheckpoint> checkpoint = second.startCheckpoint(store);
        Optional<CheckpointStatus> running = awaitRunning(second);
        second.stopCheckpoint();
        SpoolStores.close(ramDisk.getPath());
        Optional<DumpReport> dump = second.dumpOnStop();

        assertThat(reload.orElseThrow().getImported()).isEqualTo(3);
        assertThat(reload.orElseThrow().getKeptAsCheckpoint()).contains(dumpDir.resolve("checkpoint"));
        assertThat(checkpoint).isPresent();
        assertThat(running.orElseThrow().getCopiedEntries()).isZero();
        assertThat(second.getCheckpointStatus()).isEmpty();
        assertThat(dump.orElseThrow().getEntries()).isEqualTo(3);
        assertThat(SpoolDumps.findCheckpoint(dumpDir)).isEmpty();
    }

    @Test
    void startCheckpointShouldDoNothingWhenTheCheckpointIsOff() throws Exception {
        SpoolDumpService testee = service(false);

        Optional<SpoolCheckpoint> checkpoint = testee.startCheckpoint(SpoolStores.open(spool.toStoreOptions()));

        assertThat(checkpoint).isEmpty();
        assertThat(testee.getCheckpointStatus()).isEmpty();
        assertThat(SpoolDumps.findCheckpoint(dumpDir)).isEmpty();
    }

    private void runRelay(SpoolDumpService service, int mails) throws Exception {
        SpoolStore store = SpoolStores.open(spool.toStoreOptions());
        service.startCheckpoint(store);
        var queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
            .createQueue(MailQueueName.of("spool"));
        for (int i = 0; i < mails; i++) {
            queue.enQueue(TestMails.mail("mail-" + i, 1000));
        }
        queue.close();
        service.stopCheckpoint();
        SpoolStores.close(ramDisk.getPath());
    }

    private static Optional<CheckpointStatus> awaitRunning(SpoolDumpService service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Optional<CheckpointStatus> status = service.getCheckpointStatus();
        while (status.map(CheckpointStatus::getState).orElse(null) != CheckpointStatus.State.RUNNING
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
            status = service.getCheckpointStatus();
        }
        return status;
    }
}
