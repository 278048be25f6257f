package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;

/**
 * A dump is only replayed into a RAM spool that a reboot wiped. A spool a relay served from since
 * the dump (the JVM restarted, the machine did not) wins even when it is empty, and the dump it
 * made stale is retired: replayed after a later power loss, it would deliver again what left the
 * spool meanwhile.
 */
class StaleDumpTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final int MAILS = 5;

    @TempDir
    Path dumpDir;

    private RamDiskDirectory ramDisk;
    private StoreOptions options;
    private Path dump;

    @BeforeEach
    void setUp() throws Exception {
        ramDisk = RamDiskDirectory.create("stale-dump");
        options = StoreOptions.ramDisk(ramDisk.getPath());
        withQueue(queue -> {
            for (int i = 0; i < MAILS; i++) {
                queue.enQueue(TestMails.mail("mail-" + i, 1000));
            }
        });
        dump = SpoolDumps.dump(options, dumpDir).getDump();
    }

    @AfterEach
    void tearDown() {
        ramDisk.delete();
    }

    @Test
    void emptySpoolInServiceShouldNotBeReplayedOverAndShouldRetireTheDump() throws Exception {
        SpoolDumps.markInService(options.getRoot());
        withQueue(RamSpoolMailQueue::clear);

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.SPOOL_IN_SERVICE);
        assertThat(report.getImported()).isZero();
        assertThat(storeEntries()).isZero();
        assertThat(SpoolDumps.findCurrent(dumpDir)).isEmpty();
        assertThat(report.getRetiredAs()).contains(dumpDir.resolve("retired-" + dump.getFileName()));
    }

    @Test
    void spoolHoldingMailShouldWinAndRetireTheDumpItMadeStale() throws Exception {
        SpoolDumps.markInService(options.getRoot());

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.STORE_NOT_EMPTY);
        assertThat(storeEntries()).isEqualTo(MAILS);
        assertThat(SpoolDumps.findCurrent(dumpDir)).isEmpty();
        assertThat(report.getRetiredAs()).isPresent();
    }

    @Test
    void spoolWipedByARebootShouldGetTheDumpBackDespiteHavingBeenInService() throws Exception {
        SpoolDumps.markInService(options.getRoot());
        ramDisk.delete();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.RELOADED);
        assertThat(report.getImported()).isEqualTo(MAILS);
        assertThat(storeEntries()).isEqualTo(MAILS);
    }

    @Test
    void powerLossAfterARestartShouldNotBringBackMailDeliveredMeanwhile() throws Exception {
        SpoolDumps.markInService(options.getRoot());
        SpoolDumps.reloadIfEmpty(options, dumpDir);
        withQueue(RamSpoolMailQueue::clear);
        ramDisk.delete();

        ReloadReport afterPowerLoss = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(afterPowerLoss.getOutcome()).isEqualTo(ReloadReport.Outcome.NO_DUMP);
        assertThat(storeEntries()).isZero();
    }

    @Test
    void explicitDumpShouldBeReplayedIntoAnEmptySpoolInService() throws Exception {
        SpoolDumps.markInService(options.getRoot());
        withQueue(RamSpoolMailQueue::clear);

        ReloadReport report = SpoolDumps.restore(options, dumpDir, Optional.of(dump), ProgressListener.NONE);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.RELOADED);
        assertThat(storeEntries()).isEqualTo(MAILS);
    }

    @Test
    void staleCheckpointShouldBeRetiredWhenNoCheckpointContinues() throws Exception {
        keepDumpAsCheckpointOfAServedSpool();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir, AfterReload.RETIRE);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.SPOOL_IN_SERVICE);
        assertThat(SpoolDumps.findCheckpoint(dumpDir)).isEmpty();
        assertThat(SpoolDumps.findReloadSource(dumpDir)).isEmpty();
    }

    @Test
    void checkpointShouldBeKeptForItsWriterWhenTheCheckpointContinues() throws Exception {
        keepDumpAsCheckpointOfAServedSpool();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir, AfterReload.KEEP_AS_CHECKPOINT);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.SPOOL_IN_SERVICE);
        assertThat(report.getImported()).isZero();
        assertThat(SpoolDumps.findCheckpoint(dumpDir)).isPresent();
    }

    /** A reboot, the dump replayed and kept as the checkpoint, then a relay serving until the spool is empty. */
    private void keepDumpAsCheckpointOfAServedSpool() throws Exception {
        ramDisk.delete();
        ReloadReport reload = SpoolDumps.reloadIfEmpty(options, dumpDir, AfterReload.KEEP_AS_CHECKPOINT);
        assertThat(reload.getKeptAsCheckpoint()).isPresent();
        SpoolDumps.markInService(options.getRoot());
        withQueue(RamSpoolMailQueue::clear);
    }

    private interface QueueAction {
        void apply(RamSpoolMailQueue queue) throws Exception;
    }

    private void withQueue(QueueAction action) throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueueFactory factory = new RamSpoolMailQueueFactory(store,
                new RawMailQueueItemDecoratorFactory());
            action.apply(factory.createQueue(SPOOL));
            factory.stop();
        }
    }

    private long storeEntries() throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            return store.getEntryCount();
        }
    }
}
