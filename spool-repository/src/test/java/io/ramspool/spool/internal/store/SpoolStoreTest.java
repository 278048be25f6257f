package io.ramspool.spool.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import io.ramspool.spool.testing.RamDiskDirectory;

class SpoolStoreTest {
    private static final AreaId QUEUE = AreaId.queue("spool");
    private static final AreaId REPOSITORY = AreaId.repository("ramdisk://var/mail/error/");
    private static final byte[] BODY = "Subject: hello\r\n\r\nbody line\r\n".getBytes(StandardCharsets.US_ASCII);

    private RamDiskDirectory directory;
    private SpoolStore testee;

    @BeforeEach
    void setUp() throws Exception {
        directory = RamDiskDirectory.create("store");
        testee = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
    }

    @AfterEach
    void tearDown() throws Exception {
        testee.close();
        directory.delete();
    }

    private EntryHeader header(String name) {
        return EntryHeader.builder()
            .sequence(testee.nextSequence())
            .name(name)
            .key(name)
            .state("root")
            .errorMessage("4.4.1 no answer")
            .recipients(ImmutableList.of("a@example.com", "b@example.org"))
            .lastUpdatedMillis(1_700_000_000_123L)
            .enqueuedAtMillis(1_700_000_000_000L)
            .nextDeliveryMillis(1_700_000_060_000L)
            .priority(7)
            .remoteHost("client.example.com")
            .remoteAddr("127.0.0.9")
            .attributesAsJson(ImmutableMap.of("k", "{\"serializer\":\"StringSerializer\",\"value\":\"v\"}"))
            .recipientHeaders(ImmutableList.of(new EntryHeader.RecipientHeader("a@example.com", "X-A", "1")))
            .build();
    }

    private SpoolEntry write(AreaId area, EntryHeader header) throws StoreException {
        return testee.write(area, header, out -> out.write(BODY));
    }

    private SpoolStore reopen() throws IOException {
        testee.close();
        testee = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
        return testee;
    }

    private List<SpoolEntry> recovered(SpoolStore store, AreaId area) {
        return store.view(area, entries -> entries);
    }

    @Test
    void reopenShouldReturnEveryFieldOfACommittedEntry() throws Exception {
        EntryHeader header = header("mail1");
        write(QUEUE, header);

        List<SpoolEntry> entries = recovered(reopen(), QUEUE);

        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getHeader()).isEqualTo(header);
        try (InputStream body = testee.openBody(entries.get(0))) {
            assertThat(body.readAllBytes()).isEqualTo(BODY);
        }
    }

    @Test
    void nullSenderAndMissingFieldsShouldSurviveAReopen() throws Exception {
        EntryHeader header = EntryHeader.builder().sequence(testee.nextSequence()).name("bounce").build();
        write(QUEUE, header);

        SpoolEntry entry = recovered(reopen(), QUEUE).get(0);

        assertThat(entry.getHeader().getSender()).isEmpty();
        assertThat(entry.getHeader()).isEqualTo(header);
    }

    @Test
    void usageShouldCountEntriesAndBytesOfCommittedFiles() throws Exception {
        SpoolEntry first = write(QUEUE, header("m1"));
        SpoolEntry second = write(REPOSITORY, header("m2"));

        StoreUsage usage = testee.getUsage();

        assertThat(usage.getEntries()).isEqualTo(2);
        assertThat(usage.getBytesUsed()).isEqualTo(Files.size(first.getPath()) + Files.size(second.getPath()));
        assertThat(usage.getFileSystemFreeBytes()).isPositive();
    }

    @Test
    void deleteShouldReleaseTheAccountedBytesOnce() throws Exception {
        SpoolEntry entry = write(QUEUE, header("m1"));

        testee.delete(entry);
        testee.delete(entry);

        assertThat(testee.getUsage().getEntries()).isZero();
        assertThat(testee.getUsage().getBytesUsed()).isZero();
        assertThat(entry.getPath()).doesNotExist();
    }

    @Test
    void reopenShouldRestoreTheAccounting() throws Exception {
        write(QUEUE, header("m1"));
        write(QUEUE, header("m2"));
        long bytes = testee.getBytesUsed();

        reopen();

        assertThat(testee.getEntryCount()).isEqualTo(2);
        assertThat(testee.getBytesUsed()).isEqualTo(bytes);
    }

    @Test
    void sequenceNumbersShouldKeepIncreasingAcrossAReopen() throws Exception {
        SpoolEntry entry = write(QUEUE, header("m1"));

        reopen();

        assertThat(testee.nextSequence()).isGreaterThan(entry.getSequence());
    }

    @Test
    void writeBeyondTheCapShouldFailAndLeaveNoFile() throws Exception {
        testee.close();
        testee = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()).withMaxBytes(600));
        write(QUEUE, header("fits"));

        assertThatThrownBy(() -> write(QUEUE, header("too-much")))
            .isInstanceOf(SpoolFullException.class)
            .hasMessageContaining("size cap");
        assertThat(testee.getEntryCount()).isEqualTo(1);
        assertThat(filesIn(testee.areaDirectory(QUEUE))).hasSize(1);
    }

    @Test
    void failingBodyWriterShouldLeaveNoFileAndNoAccounting() throws Exception {
        assertThatThrownBy(() -> testee.write(QUEUE, header("broken"), out -> {
            out.write(BODY);
            throw new IOException("client went away");
        })).isInstanceOf(StoreException.class).hasMessageContaining("broken");

        assertThat(filesIn(testee.areaDirectory(QUEUE))).isEmpty();
        assertThat(testee.getBytesUsed()).isZero();
    }

    @Test
    void openShouldRemoveLeftoversOfInterruptedWrites() throws Exception {
        SpoolEntry entry = write(QUEUE, header("m1"));
        Path leftover = entry.getPath().resolveSibling(SpoolStore.TEMPORARY_PREFIX + "00000000000000ff");
        Files.write(leftover, new byte[] {1, 2, 3});

        reopen();

        assertThat(leftover).doesNotExist();
        assertThat(testee.getRecoveryReport().getTemporaryFilesRemoved()).isEqualTo(1);
        assertThat(recovered(testee, QUEUE)).hasSize(1);
        assertThat(testee.nextSequence()).isGreaterThan(0xff);
    }

    @Test
    void openShouldQuarantineATruncatedEntry() throws Exception {
        SpoolEntry good = write(QUEUE, header("good"));
        SpoolEntry bad = write(QUEUE, header("bad"));
        truncate(bad.getPath(), bad.getFileSize() - 5);

        reopen();

        assertQuarantined(bad, "end magic");
        assertThat(recovered(testee, QUEUE)).extracting(SpoolEntry::getSequence).containsExactly(good.getSequence());
    }

    @Test
    void openShouldQuarantineAnEntryWithAFlippedByte() throws Exception {
        SpoolEntry bad = write(QUEUE, header("bad"));
        flipByte(bad.getPath(), bad.getBodyOffset() + 3);

        reopen();

        assertQuarantined(bad, "checksum mismatch");
        assertThat(recovered(testee, QUEUE)).isEmpty();
    }

    @Test
    void openShouldQuarantineAnEntryOfAnUnknownVersion() throws Exception {
        SpoolEntry bad = write(QUEUE, header("bad"));
        try (RandomAccessFile file = new RandomAccessFile(bad.getPath().toFile(), "rw")) {
            file.seek(4);
            file.writeShort(99);
        }

        reopen();

        assertQuarantined(bad, "unsupported format version: expected 1, found 99");
    }

    @Test
    void openShouldQuarantineAnEmptyFile() throws Exception {
        SpoolEntry bad = write(QUEUE, header("bad"));
        truncate(bad.getPath(), 0);

        reopen();

        assertQuarantined(bad, "file too short");
    }

    @Test
    void openShouldKeepOnlyTheNewestCopyOfARepositoryKey() throws Exception {
        SpoolEntry older = write(REPOSITORY, header("same-key"));
        SpoolEntry newer = write(REPOSITORY, header("same-key"));

        reopen();

        assertThat(recovered(testee, REPOSITORY)).extracting(SpoolEntry::getSequence)
            .containsExactly(newer.getSequence());
        assertThat(older.getPath()).doesNotExist();
        assertThat(testee.getRecoveryReport().getSupersededRemoved()).isEqualTo(1);
    }

    @Test
    void secondOpenOfAnOpenDirectoryShouldBeRefused() {
        assertThatThrownBy(() -> SpoolStore.open(StoreOptions.ramDisk(directory.getPath())))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining(directory.getPath().toString());
    }

    @Test
    void durableStoreShouldCommitEntriesThatAReopenFinds() throws Exception {
        testee.close();
        testee = SpoolStore.open(StoreOptions.durable(directory.getPath()));
        write(QUEUE, header("synced"));

        reopen();

        assertThat(recovered(testee, QUEUE)).hasSize(1);
    }

    @Test
    void listAreasShouldNameAreasFoundOnDisk() throws Exception {
        write(QUEUE, header("m1"));
        write(REPOSITORY, header("m2"));

        reopen();

        assertThat(testee.listAreas()).containsExactlyInAnyOrder(QUEUE, REPOSITORY);
    }

    @Test
    void areaNamesShouldRoundTripThroughTheirDirectoryName() {
        AreaId area = AreaId.repository("ramdisk://var/mail/érror/ with space%");

        AreaId decoded = AreaId.fromDirectory("repository", area.encodedName());

        assertThat(decoded).isEqualTo(area);
        assertThat(area.encodedName()).doesNotContain("/").doesNotStartWith(".");
    }

    private void assertQuarantined(SpoolEntry entry, String reasonFragment) throws IOException {
        Path quarantined = SpoolStore.quarantineDirectory(directory.getPath(), entry.getArea())
            .resolve(entry.getPath().getFileName());
        assertThat(entry.getPath()).doesNotExist();
        assertThat(quarantined).exists();
        assertThat(Files.readString(quarantined.resolveSibling(quarantined.getFileName() + ".reason")))
            .contains(reasonFragment);
        assertThat(testee.getRecoveryReport().getQuarantined()).isEqualTo(1);
    }

    private static void truncate(Path path, long size) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(size);
        }
    }

    private static void flipByte(Path path, long position) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.seek(position);
            int value = file.read();
            file.seek(position);
            file.write(value ^ 0x01);
        }
    }

    private static List<Path> filesIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.collect(ImmutableList.toImmutableList());
        }
    }
}
