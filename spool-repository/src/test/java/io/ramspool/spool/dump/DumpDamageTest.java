package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.dump.DumpManifest;
import io.ramspool.spool.internal.dump.DumpReloader;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;

/** Damaged dumps: each problem is reported precisely, every intact entry comes back, nothing vanishes. */
class DumpDamageTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final int MAILS = 20;

    @TempDir
    Path dumpDir;

    private RamDiskDirectory ramDisk;
    private StoreOptions options;
    private Path dump;

    @BeforeEach
    void setUp() throws Exception {
        ramDisk = RamDiskDirectory.create("dump-damage");
        options = StoreOptions.ramDisk(ramDisk.getPath());
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
                .createQueue(SPOOL);
            for (int i = 0; i < MAILS; i++) {
                queue.enQueue(TestMails.mail("mail-" + i, 2000));
            }
        }
        dump = SpoolDumps.dump(options, dumpDir).getDump();
        ramDisk.delete();
    }

    @AfterEach
    void tearDown() {
        ramDisk.delete();
    }

    @Test
    void truncatedEntryShouldBeQuarantinedAndReportedAsTruncated() throws Exception {
        Path victim = entryFiles().get(3);
        try (RandomAccessFile file = new RandomAccessFile(victim.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getImported()).isEqualTo(MAILS - 1);
        assertThat(report.getDamaged()).isEqualTo(1);
        assertThat(report.getProblems()).singleElement().asString()
            .contains(victim.getFileName().toString(), "size mismatch", "(truncated)");
        assertThat(quarantined(victim)).exists();
        assertThat(reasonOf(victim)).contains("size mismatch");
        assertThat(storeEntries()).isEqualTo(MAILS - 1);
    }

    @Test
    void flippedByteShouldBeQuarantinedAndReportedAsChecksumMismatch() throws Exception {
        Path victim = entryFiles().get(5);
        flipByte(victim, 200);

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getImported()).isEqualTo(MAILS - 1);
        assertThat(report.getProblems()).singleElement().asString()
            .contains(victim.getFileName().toString(), "CRC32C mismatch");
        assertThat(quarantined(victim)).exists();
    }

    @Test
    void entryOfUnknownVersionShouldBeQuarantinedWithTheVersionInTheReason() throws Exception {
        Path victim = entryFiles().get(0);
        writeByte(victim, 5, 9);
        rewriteManifestToMatchFiles();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getImported()).isEqualTo(MAILS - 1);
        assertThat(report.getProblems()).singleElement().asString()
            .contains(victim.getFileName().toString(), "unsupported format version: expected 1, found 9");
        assertThat(reasonOf(victim)).contains("unsupported format version");
    }

    @Test
    void manifestOfUnknownVersionShouldBeReportedAndEveryEntryRestored() throws Exception {
        Path manifest = dump.resolve(DumpManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("ramspool-dump-manifest 1",
            "ramspool-dump-manifest 7"));

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getManifestProblem()).get().asString()
            .contains("unsupported manifest format version: expected 1, found 7");
        assertThat(report.getImported()).isEqualTo(MAILS);
        assertThat(report.getDamaged()).isZero();
    }

    @Test
    void missingManifestShouldBeReportedAndEveryEntryRestored() throws Exception {
        Files.delete(dump.resolve(DumpManifest.FILE_NAME));

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getManifestProblem()).get().asString().contains("MANIFEST", "file is missing");
        assertThat(report.getImported()).isEqualTo(MAILS);
        assertThat(storeEntries()).isEqualTo(MAILS);
    }

    @Test
    void alteredManifestShouldBeReportedAsChecksumMismatchAndEveryEntryRestored() throws Exception {
        Path manifest = dump.resolve(DumpManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("files 20", "files 21"));

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getManifestProblem()).get().asString().contains("checksum mismatch: stored");
        assertThat(report.getImported()).isEqualTo(MAILS);
    }

    @Test
    void manifestWithBytesThatAreNotUtf8ShouldBeReportedAndEveryEntryRestored() throws Exception {
        Path manifest = dump.resolve(DumpManifest.FILE_NAME);
        // Each invalid byte decodes to U+FFFD, three bytes once encoded again: more than the end line holds.
        for (int offset = 40; offset < 56; offset++) {
            writeByte(manifest, offset, 0xFF);
        }

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getManifestProblem()).get().asString().contains("checksum mismatch");
        assertThat(report.getImported()).isEqualTo(MAILS);
        assertThat(storeEntries()).isEqualTo(MAILS);
    }

    @Test
    void missingEntryShouldBeCountedWithAReasonFileInTheQuarantine() throws Exception {
        Path victim = entryFiles().get(7);
        Files.delete(victim);

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getMissing()).isEqualTo(1);
        assertThat(report.getImported()).isEqualTo(MAILS - 1);
        assertThat(reasonOf(victim)).contains("missing: listed in the manifest");
    }

    @Test
    void damagedDumpShouldStillBeVerifiedPreciselyWithoutChangingIt() throws Exception {
        flipByte(entryFiles().get(1), 100);
        Files.delete(entryFiles().get(2));

        DumpVerification verification = SpoolDumps.verify(dump, ProgressListener.NONE);

        assertThat(verification.isIntact()).isFalse();
        assertThat(verification.getIntactEntries()).isEqualTo(MAILS - 2);
        assertThat(verification.getProblems()).hasSize(2);
        assertThat(SpoolDumps.findCurrent(dumpDir)).contains(dump);
    }

    @Test
    void reloadInterruptedByACrashShouldBeFinishedWithoutDuplicates() throws Exception {
        List<Path> files = entryFiles();
        try (SpoolStore store = SpoolStore.open(options)) {
            for (Path file : files.subList(0, 5)) {
                store.importEntry(AreaId.queue("spool"), file);
            }
            Files.writeString(store.getRoot().resolve(DumpReloader.MARKER), dump + "\n");
        }

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.RESUMED);
        assertThat(report.getSkippedPresent()).isEqualTo(5);
        assertThat(report.getImported()).isEqualTo(MAILS - 5);
        assertThat(storeEntries()).isEqualTo(MAILS);
        assertThat(ramDisk.getPath().resolve(DumpReloader.MARKER)).doesNotExist();
    }

    @Test
    void retiredDumpRestoredAgainShouldSkipEveryEntryAlreadyPresent() throws Exception {
        Path retired = SpoolDumps.reloadIfEmpty(options, dumpDir).getRetiredAs().orElseThrow();
        try (SpoolStore store = SpoolStore.open(options)) {
            Files.writeString(store.getRoot().resolve(DumpReloader.MARKER), retired + "\n");
        }

        ReloadReport again = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(again.getSkippedPresent()).isEqualTo(MAILS);
        assertThat(again.getImported()).isZero();
        assertThat(storeEntries()).isEqualTo(MAILS);
    }

    @Test
    void reloadShouldFindNothingOnceTheDumpIsRetired() throws Exception {
        SpoolDumps.reloadIfEmpty(options, dumpDir);
        ramDisk.delete();

        ReloadReport second = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(second.getOutcome()).isEqualTo(ReloadReport.Outcome.NO_DUMP);
        assertThat(dumpDir.resolve("retired-" + dump.getFileName())).isDirectory();
    }

    @Test
    void newDumpShouldReplaceTheOldOneOnlyOnceItIsPublished() throws Exception {
        SpoolDumps.reloadIfEmpty(options, dumpDir);

        DumpReport second = SpoolDumps.dump(options, dumpDir);

        assertThat(Files.readString(dumpDir.resolve("CURRENT")).trim()).isEqualTo(second.getDump().getFileName()
            .toString());
        try (Stream<Path> children = Files.list(dumpDir)) {
            assertThat(children.map(path -> path.getFileName().toString()))
                .containsExactlyInAnyOrder(".lock", "CURRENT", second.getDump().getFileName().toString());
        }
        assertThat(SpoolDumps.verify(second.getDump(), ProgressListener.NONE).isIntact()).isTrue();
    }

    @Test
    void emptySpoolShouldDumpAndReloadToAnEmptySpool() throws Exception {
        SpoolDumps.reloadIfEmpty(options, dumpDir);
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
                .createQueue(SPOOL);
            queue.clear();
        }
        SpoolDumps.dump(options, dumpDir);
        ramDisk.delete();

        ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.RELOADED);
        assertThat(report.getImported()).isZero();
        assertThat(report.hasProblems()).isFalse();
    }

    private List<Path> entryFiles() throws Exception {
        try (Stream<Path> files = Files.list(dump.resolve("queue").resolve("spool"))) {
            return files.sorted().toList();
        }
    }

    private Path quarantined(Path dumpFile) {
        return ramDisk.getPath().resolve("quarantine/queue/spool").resolve(dumpFile.getFileName());
    }

    private String reasonOf(Path dumpFile) throws Exception {
        return Files.readString(quarantined(dumpFile).resolveSibling(dumpFile.getFileName() + ".reason"));
    }

    private long storeEntries() throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            return store.getEntryCount();
        }
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0x01);
        }
    }

    private static void writeByte(Path file, long offset, int value) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(value);
        }
    }

    private void rewriteManifestToMatchFiles() throws Exception {
        Path manifestFile = dump.resolve(DumpManifest.FILE_NAME);
        DumpManifest old = DumpManifest.read(manifestFile);
        List<DumpManifest.Entry> entries = new ArrayList<>();
        for (DumpManifest.Entry entry : old.getFiles()) {
            byte[] bytes = Files.readAllBytes(dump.resolve(entry.path()));
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            entries.add(new DumpManifest.Entry(entry.path(), bytes.length, (int) crc.getValue()));
        }
        Files.write(manifestFile, new DumpManifest(old.getCreated(), old.getSource(), entries).encode());
    }
}
