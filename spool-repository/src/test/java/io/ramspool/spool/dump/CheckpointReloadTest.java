package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
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
import reactor.core.publisher.Flux;

/**
 * How a checkpoint and the dumps of one dump directory hand over to each other: a reload prefers
 * the checkpoint, a dump retires it, a reload can keep what it replayed as the next checkpoint.
 */
class CheckpointReloadTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final Duration LAG = Duration.ofMillis(100);

    @TempDir
    Path dumpDir;

    private RamDiskDirectory ramDisk;
    private StoreOptions options;

    @BeforeEach
    void setUp() {
        ramDisk = RamDiskDirectory.create("checkpoint-reload");
        options = StoreOptions.ramDisk(ramDisk.getPath());
    }

    @AfterEach
    void tearDown() {
        ramDisk.delete();
    }

    @Test
    void reloadShouldReplayTheCheckpointWithoutTheMailDeliveredMeanwhile() throws Exception {
        try (SpoolStore store = SpoolStore.open(options); SpoolCheckpoint checkpoint = startCheckpoint(store)) {
            RamSpoolMailQueue queue = queue(store);
            enqueue(queue, "mail-", 5);
            deliver(queue, 2);
            awaitUpToDate(checkpoint);
        }
        ramDisk.delete();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir, AfterReload.KEEP_AS_CHECKPOINT);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.RELOADED);
        assertThat(report.getDump()).contains(dumpDir.resolve("checkpoint"));
        assertThat(report.getImported()).isEqualTo(3);
        assertThat(report.hasProblems()).isFalse();
        assertThat(report.getKeptAsCheckpoint()).contains(dumpDir.resolve("checkpoint"));
        assertThat(browseNames()).containsExactly("mail-2", "mail-3", "mail-4");
    }

    @Test
    void reloadShouldPreferTheCheckpointToTheCurrentDump() throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            enqueue(queue(store), "dumped-", 3);
        }
        SpoolDumps.dump(options, dumpDir);
        try (SpoolStore store = SpoolStore.open(options); SpoolCheckpoint checkpoint = startCheckpoint(store)) {
            enqueue(queue(store), "checkpointed-", 2);
            awaitUpToDate(checkpoint);
        }
        ramDisk.delete();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getDump()).contains(dumpDir.resolve("checkpoint"));
        assertThat(report.getImported()).isEqualTo(5);
        assertThat(report.getRetiredAs()).contains(dumpDir.resolve("retired-checkpoint"));
        assertThat(SpoolDumps.findReloadSource(dumpDir)).isEmpty();
    }

    @Test
    void dumpShouldRetireTheCheckpoint() throws Exception {
        try (SpoolStore store = SpoolStore.open(options); SpoolCheckpoint checkpoint = startCheckpoint(store)) {
            enqueue(queue(store), "mail-", 2);
            awaitUpToDate(checkpoint);
        }

        DumpReport dump = SpoolDumps.dump(options, dumpDir);

        assertThat(SpoolDumps.findCheckpoint(dumpDir)).isEmpty();
        assertThat(dumpDir.resolve("retired-checkpoint")).doesNotExist();
        assertThat(SpoolDumps.findReloadSource(dumpDir)).contains(dump.getDump());
    }

    @Test
    void checkpointStartingFromAReloadedDumpShouldCopyNothing() throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            enqueue(queue(store), "mail-", 4);
        }
        SpoolDumps.dump(options, dumpDir);
        ramDisk.delete();
        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir, AfterReload.KEEP_AS_CHECKPOINT);

        CheckpointStatus status;
        try (SpoolStore store = SpoolStore.open(options); SpoolCheckpoint checkpoint = startCheckpoint(store)) {
            status = awaitUpToDate(checkpoint);
        }

        assertThat(report.getKeptAsCheckpoint()).contains(dumpDir.resolve("checkpoint"));
        assertThat(SpoolDumps.findCurrent(dumpDir)).isEmpty();
        assertThat(dumpDir.resolve("checkpoint").resolve("MANIFEST")).doesNotExist();
        assertThat(status.getCopiedEntries()).isZero();
        assertThat(status.getDeletedEntries()).isZero();
    }

    @Test
    void reloadOfACheckpointShouldIgnoreTheTemporaryFilesOfInterruptedCopies() throws Exception {
        try (SpoolStore store = SpoolStore.open(options); SpoolCheckpoint checkpoint = startCheckpoint(store)) {
            enqueue(queue(store), "mail-", 2);
            awaitUpToDate(checkpoint);
        }
        Files.writeString(dumpDir.resolve("checkpoint/queue/spool/.tmp-0000000000000fff.msg"), "half a copy");
        ramDisk.delete();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getImported()).isEqualTo(2);
        assertThat(report.hasProblems()).isFalse();
        assertThat(report.getProblems()).isEmpty();
    }

    @Test
    void verifyShouldCheckACheckpointWithoutAManifest() throws Exception {
        try (SpoolStore store = SpoolStore.open(options); SpoolCheckpoint checkpoint = startCheckpoint(store)) {
            enqueue(queue(store), "mail-", 3);
            awaitUpToDate(checkpoint);
        }

        DumpVerification verification = SpoolDumps.verify(dumpDir.resolve("checkpoint"), ProgressListener.NONE);

        assertThat(verification.isIntact()).isTrue();
        assertThat(verification.getIntactEntries()).isEqualTo(3);
    }

    private SpoolCheckpoint startCheckpoint(SpoolStore store) throws Exception {
        return SpoolCheckpoint.start(store, dumpDir, LAG);
    }

    private static RamSpoolMailQueue queue(SpoolStore store) {
        return new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory()).createQueue(SPOOL);
    }

    private static void enqueue(RamSpoolMailQueue queue, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            queue.enQueue(TestMails.mail(prefix + i, 1000));
        }
    }

    private static void deliver(RamSpoolMailQueue queue, int count) {
        Flux.from(queue.deQueue())
            .take(count)
            .doOnNext(item -> {
                try {
                    item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
                } catch (MailQueue.MailQueueException e) {
                    throw new IllegalStateException(e);
                }
            })
            .blockLast(Duration.ofSeconds(10));
        queue.close();
    }

    private static CheckpointStatus awaitUpToDate(SpoolCheckpoint checkpoint) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        CheckpointStatus status = checkpoint.getStatus();
        while (!(status.getState() == CheckpointStatus.State.RUNNING && status.getLag().isZero())
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
            status = checkpoint.getStatus();
        }
        assertThat(status.getState()).isEqualTo(CheckpointStatus.State.RUNNING);
        assertThat(status.getLag()).isZero();
        return status;
    }

    private List<String> browseNames() throws Exception {
        List<String> names = new ArrayList<>();
        try (SpoolStore store = SpoolStore.open(options)) {
            ManageableMailQueue.MailQueueIterator iterator = queue(store).browse();
            while (iterator.hasNext()) {
                names.add(iterator.next().getMail().getName());
            }
        }
        return names;
    }
}
