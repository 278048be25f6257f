package io.ramspool.spool.internal.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.collect.ImmutableList;

import io.ramspool.spool.dump.CheckpointStatus;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.SteppingClock;

/** The checkpoint writer driven cycle by cycle, without its thread. */
class CheckpointWriterTest {
    private static final AreaId SPOOL = AreaId.queue("spool");
    private static final AreaId OTHER = AreaId.queue("other");
    private static final Duration LAG = Duration.ofSeconds(1);

    @TempDir
    Path dumpDir;

    private RamDiskDirectory ramDisk;
    private SpoolStore store;
    private SteppingClock clock;
    private CheckpointWriter testee;

    @BeforeEach
    void setUp() throws Exception {
        ramDisk = RamDiskDirectory.create("checkpoint-writer");
        store = SpoolStore.open(StoreOptions.ramDisk(ramDisk.getPath()));
        clock = new SteppingClock(Instant.parse("2026-12-03T10:00:00Z"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (testee != null) {
            testee.stop();
        }
        store.close();
        ramDisk.delete();
    }

    private CheckpointWriter open(int maxPending, int maxBatch) throws Exception {
        testee = CheckpointWriter.open(store, dumpDir, LAG, clock, maxPending, maxBatch);
        return testee;
    }

    private CheckpointWriter openAndEstablish() throws Exception {
        open(CheckpointWriter.DEFAULT_MAX_PENDING, CheckpointWriter.DEFAULT_MAX_BATCH);
        assertThat(testee.runCycle()).isTrue();
        return testee;
    }

    @Test
    void firstCycleShouldBuildTheCheckpointFromTheWholeSpoolAndRetireTheCurrentDump() throws Exception {
        List<SpoolEntry> written = List.of(write(SPOOL, "a"), write(SPOOL, "b"), write(OTHER, "c"));
        Path dump = SpoolDumps.dump(store, dumpDir).getDump();

        openAndEstablish();

        assertThat(checkpointEntries()).containsExactlyInAnyOrderElementsOf(relativePaths(written));
        assertThat(dumpDir.resolve(DumpDirectory.CURRENT)).doesNotExist();
        assertThat(dump).doesNotExist();
        assertThat(dumpDir.resolve("retired-" + dump.getFileName())).isDirectory();
        assertThat(dumpDir.resolve("checkpoint.partial")).doesNotExist();
        assertThat(testee.getStatus().getState()).isEqualTo(CheckpointStatus.State.RUNNING);
        assertThat(testee.getStatus().getResyncs()).isEqualTo(1);
    }

    @Test
    void committedEntryShouldReachTheCheckpointAtTheNextCycleWithTheSameBytes() throws Exception {
        openAndEstablish();
        SpoolEntry entry = write(SPOOL, "a");
        Path copy = checkpoint().resolve(relativePath(entry));
        assertThat(copy).doesNotExist();

        testee.runCycle();

        assertThat(copy).hasSameBinaryContentAs(entry.getPath());
        assertThat(testee.getStatus().getCopiedEntries()).isEqualTo(1);
    }

    @Test
    void deletedEntryShouldLeaveTheCheckpointAtTheNextCycle() throws Exception {
        openAndEstablish();
        SpoolEntry entry = write(SPOOL, "a");
        testee.runCycle();

        store.delete(entry);
        testee.runCycle();

        assertThat(checkpoint().resolve(relativePath(entry))).doesNotExist();
        assertThat(testee.getStatus().getDeletedEntries()).isEqualTo(1);
    }

    @Test
    void entryCommittedAndDeletedWithinOneBatchShouldNeverBeCopied() throws Exception {
        openAndEstablish();
        SpoolEntry entry = write(SPOOL, "a");
        store.delete(entry);

        testee.runCycle();

        assertThat(checkpoint().resolve(relativePath(entry))).doesNotExist();
        assertThat(testee.getStatus().getCopiedEntries()).isZero();
        assertThat(testee.getStatus().getBatches()).isEqualTo(1);
    }

    @Test
    void changesWaitingForOneCycleShouldBeWrittenAsOneBatch() throws Exception {
        openAndEstablish();
        List<SpoolEntry> written = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            written.add(write(i % 2 == 0 ? SPOOL : OTHER, "mail-" + i));
        }
        assertThat(testee.getStatus().getPendingChanges()).isEqualTo(50);

        testee.runCycle();

        assertThat(testee.getStatus().getBatches()).isEqualTo(1);
        assertThat(testee.getStatus().getCopiedEntries()).isEqualTo(50);
        assertThat(testee.getStatus().getPendingChanges()).isZero();
        assertThat(checkpointEntries()).containsExactlyInAnyOrderElementsOf(relativePaths(written));
        assertThat(listTemporaries()).isEmpty();
    }

    @Test
    void changesBeyondOneBatchShouldAllBeWrittenWithinOneCycle() throws Exception {
        // A long lag, so that the cycle's time bound (half the lag) never cuts it short on a busy machine.
        testee = CheckpointWriter.open(store, dumpDir, Duration.ofMinutes(10), clock,
            CheckpointWriter.DEFAULT_MAX_PENDING, 10);
        testee.runCycle();
        List<SpoolEntry> written = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            written.add(write(SPOOL, "mail-" + i));
        }

        testee.runCycle();

        assertThat(testee.getStatus().getBatches()).isEqualTo(4);
        assertThat(testee.getStatus().getPendingChanges()).isZero();
        assertThat(checkpointEntries()).containsExactlyInAnyOrderElementsOf(relativePaths(written));
    }

    @Test
    void lagShouldBeTheAgeOfTheOldestChangeNotYetWritten() throws Exception {
        openAndEstablish();
        write(SPOOL, "a");
        clock.advance(Duration.ofMillis(300));
        write(SPOOL, "b");
        clock.advance(Duration.ofMillis(400));
        CheckpointStatus waiting = testee.getStatus();

        testee.runCycle();

        assertThat(waiting.getLag()).isEqualTo(Duration.ofMillis(700));
        assertThat(waiting.isWithinLag()).isTrue();
        assertThat(testee.getStatus().getLag()).isZero();
        assertThat(testee.getStatus().getLastFlush()).contains(clock.instant());
    }

    @Test
    void lagBeyondTheBoundShouldBeReported() throws Exception {
        openAndEstablish();
        write(SPOOL, "a");

        clock.advance(Duration.ofMillis(1500));

        assertThat(testee.getStatus().getLag()).isEqualTo(Duration.ofMillis(1500));
        assertThat(testee.getStatus().isWithinLag()).isFalse();
    }

    @Test
    void tooManyWaitingChangesShouldBeDroppedAndCoveredByAComparisonOfTheWholeSpool() throws Exception {
        open(5, CheckpointWriter.DEFAULT_MAX_BATCH);
        testee.runCycle();
        List<SpoolEntry> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add(write(SPOOL, "mail-" + i));
        }
        store.delete(written.remove(0));
        CheckpointStatus overflowing = testee.getStatus();

        testee.runCycle();

        assertThat(overflowing.getPendingChanges()).isEqualTo(5);
        assertThat(overflowing.getDroppedChanges()).isEqualTo(1);
        assertThat(checkpointEntries()).containsExactlyInAnyOrderElementsOf(relativePaths(written));
        assertThat(testee.getStatus().getResyncs()).isEqualTo(2);
        assertThat(testee.getStatus().getLag()).isZero();
    }

    @Test
    void failedWriteShouldBeCountedWithoutFailingTheSpoolAndRepairedByALaterCycle() throws Exception {
        openAndEstablish();
        Path blocker = checkpoint().resolve("queue").resolve(OTHER.encodedName());
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a directory");
        SpoolEntry blocked = write(OTHER, "blocked");
        clock.advance(Duration.ofMillis(100));

        boolean failedCycle = testee.runCycle();
        CheckpointStatus failing = testee.getStatus();
        SpoolEntry later = write(SPOOL, "written while failing");
        Files.delete(blocker);
        boolean repairedCycle = testee.runCycle();

        assertThat(failedCycle).isFalse();
        assertThat(failing.getState()).isEqualTo(CheckpointStatus.State.FAILING);
        assertThat(failing.getFailures()).isEqualTo(1);
        assertThat(failing.getLastError()).hasValueSatisfying(error -> assertThat(error).contains(blocker.toString()));
        assertThat(failing.getLag()).isEqualTo(Duration.ofMillis(100));
        assertThat(repairedCycle).isTrue();
        assertThat(testee.getStatus().getState()).isEqualTo(CheckpointStatus.State.RUNNING);
        assertThat(checkpointEntries()).containsExactlyInAnyOrderElementsOf(relativePaths(List.of(blocked, later)));
        assertThat(listTemporaries()).isEmpty();
    }

    @Test
    void checkpointRemovedUnderTheWriterShouldBeBuiltAgainFromTheWholeSpool() throws Exception {
        SpoolEntry before = write(SPOOL, "before");
        openAndEstablish();
        DumpDirectory.deleteTree(checkpoint());
        SpoolEntry after = write(SPOOL, "after");

        boolean noticed = testee.runCycle();
        boolean rebuilt = testee.runCycle();

        assertThat(noticed).isFalse();
        assertThat(rebuilt).isTrue();
        assertThat(checkpointEntries()).containsExactlyInAnyOrderElementsOf(relativePaths(List.of(before, after)));
    }

    @Test
    void existingCheckpointShouldBeComparedWithTheSpoolAtStart() throws Exception {
        SpoolEntry kept = write(SPOOL, "kept");
        SpoolEntry delivered = write(SPOOL, "delivered");
        openAndEstablish();
        testee.stop();
        store.delete(delivered);
        SpoolEntry added = write(SPOOL, "added while no checkpoint ran");
        Path interruptedCopy = checkpoint().resolve("queue/spool/.tmp-00000000000000ff.msg");
        Files.writeString(interruptedCopy, "half a copy");

        openAndEstablish();

        assertThat(checkpointEntries()).containsExactlyInAnyOrderElementsOf(relativePaths(List.of(kept, added)));
        assertThat(interruptedCopy).doesNotExist();
        assertThat(testee.getStatus().getCopiedEntries()).isEqualTo(1);
        assertThat(testee.getStatus().getDeletedEntries()).isEqualTo(1);
    }

    @Test
    void quarantineFilesShouldBeCopiedByTheComparison() throws Exception {
        Path quarantined = store.quarantineCopy(Path.of("queue/spool/00000000000000aa.msg"), Optional.empty(),
            "damaged in a test");

        openAndEstablish();

        Path relative = store.getQuarantineDirectory().relativize(quarantined);
        assertThat(checkpoint().resolve("quarantine").resolve(relative.toString() + ".reason")).exists();
    }

    @Test
    void stopShouldWriteTheChangesStillWaitingAndReleaseTheDumpDirectory() throws Exception {
        openAndEstablish();
        SpoolEntry entry = write(SPOOL, "a");

        testee.stop();

        assertThat(checkpoint().resolve(relativePath(entry))).exists();
        assertThat(testee.getStatus().getState()).isEqualTo(CheckpointStatus.State.STOPPED);
        assertThat(SpoolDumps.dump(store, dumpDir).getEntries()).isEqualTo(1);
        assertThat(checkpoint()).doesNotExist();
    }

    @Test
    void startedWriterShouldMirrorChangesOnItsOwnThreadWithinTheLag() throws Exception {
        testee = CheckpointWriter.start(store, dumpDir, Duration.ofMillis(200), Clock.systemUTC());
        SpoolEntry entry = write(SPOOL, "a");
        Path copy = checkpoint().resolve(relativePath(entry));

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(copy) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        assertThat(copy).exists();
        assertThat(testee.getStatus().getState()).isEqualTo(CheckpointStatus.State.RUNNING);
    }

    private SpoolEntry write(AreaId area, String name) throws Exception {
        byte[] body = ("Subject: " + name + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        EntryHeader header = EntryHeader.builder()
            .sequence(store.nextSequence())
            .name(name)
            .recipients(ImmutableList.of("rcpt@example.org"))
            .build();
        return store.write(area, header, out -> out.write(body));
    }

    private Path checkpoint() {
        return dumpDir.resolve(DumpDirectory.CHECKPOINT);
    }

    private static String relativePath(SpoolEntry entry) {
        return entry.getArea().getKind().getDirectoryName() + "/" + entry.getArea().encodedName() + "/"
            + entry.getPath().getFileName();
    }

    private static List<String> relativePaths(List<SpoolEntry> entries) {
        return entries.stream().map(CheckpointWriterTest::relativePath).toList();
    }

    private List<String> checkpointEntries() throws Exception {
        try (Stream<Path> walk = Files.walk(checkpoint())) {
            return walk.filter(path -> path.getFileName().toString().endsWith(".msg"))
                .filter(path -> !path.getFileName().toString().startsWith(".tmp-"))
                .filter(path -> !checkpoint().relativize(path).startsWith("quarantine"))
                .map(path -> checkpoint().relativize(path).toString())
                .toList();
        }
    }

    private List<Path> listTemporaries() throws Exception {
        try (Stream<Path> walk = Files.walk(checkpoint())) {
            return walk.filter(path -> path.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }
}
