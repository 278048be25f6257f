package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Stopwatch;

import io.ramspool.spool.dump.DumpReport;
import io.ramspool.spool.dump.ProgressListener;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreListener;
import io.ramspool.spool.internal.store.StoreException;

/**
 * Writes a dump of every entry of every area of a store, and of its quarantine, into a
 * {@link DumpDirectory}. Each file is copied byte for byte (the entry format is self-describing
 * and checksummed), its CRC32C recorded in the {@link DumpManifest}, and fsynced; the entry's own
 * checksum is checked on the way, so an entry damaged in RAM is reported at dump time (it is still
 * copied, and a reload will quarantine it).
 *
 * <p>Safe to run while the store is in use: entries committed during the dump are copied at the
 * end and entries deleted during it are taken out again, so a mail that moves between queues
 * while the dump runs is in the dump once, in one of its places. Not thread-safe.
 */
public final class DumpWriter {
    private static final Logger LOGGER = LoggerFactory.getLogger(DumpWriter.class);
    private static final int BUFFER_SIZE = 256 * 1024;
    private static final int ENTRY_CHECKSUM_FIELDS = 8;

    private final Clock clock;
    private final ProgressListener progress;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    private final Map<String, DumpManifest.Entry> written = new LinkedHashMap<>();
    private final Set<Path> directoriesToSync = new LinkedHashSet<>();
    private final Set<Path> filesToSync = new LinkedHashSet<>();
    private final Set<String> copiedEntries = new HashSet<>();
    private long bytes;
    private int damaged;
    private int quarantineFiles;
    private int areas;

    public DumpWriter(Clock clock, ProgressListener progress) {
        this.clock = clock;
        this.progress = progress;
    }

    /**
     * Dumps {@code store} into {@code dumpDir}, creating the directory if needed, and publishes the
     * dump atomically. On failure nothing is published, the partial dump is removed, and the
     * previous dump is left exactly as it was.
     *
     * @throws DumpException naming the dump directory, the file and the previous dump
     * @throws io.ramspool.spool.internal.store.StoreLockedException when another dump or reload holds dumpDir
     */
    public DumpReport write(SpoolStore store, Path dumpDir) throws StoreException {
        Stopwatch stopwatch = Stopwatch.createStarted();
        try (DumpDirectory directory = DumpDirectory.lock(dumpDir, true)) {
            Optional<Path> previous = directory.findCurrent();
            Path partial = createPartial(directory, previous);
            Path published;
            CommitsDuringDump commits = new CommitsDuringDump();
            store.addListener(commits);
            try {
                copyAreas(store, partial);
                copyCommittedMeanwhile(commits, partial);
                copyQuarantine(store, partial);
                FileSync.syncFiles(new ArrayList<>(filesToSync));
                writeManifest(store, partial);
                syncDirectories(partial);
                published = directory.publish(partial);
            } catch (IOException | RuntimeException e) {
                removeQuietly(partial);
                throw failure(store, directory.getRoot(), previous, e);
            } finally {
                store.removeListener(commits);
            }
            DumpReport report = new DumpReport(published, previous, written.size() - quarantineFiles, bytes, areas,
                damaged, quarantineFiles, stopwatch.elapsed().toMillis());
            LOGGER.info("Spool dumped path={} source={} mails={} bytes={} areas={} damaged={} quarantineFiles={}"
                    + " durationMs={}", published, store.getRoot(), report.getEntries(), bytes, areas, damaged,
                quarantineFiles, report.getDurationMillis());
            return report;
        } catch (IOException e) {
            if (e instanceof StoreException) {
                throw (StoreException) e;
            }
            throw new DumpException("cannot release dump directory " + dumpDir + ": " + e, e);
        }
    }

    private Path createPartial(DumpDirectory directory, Optional<Path> previous) throws DumpException {
        try {
            return directory.createPartial(clock.instant());
        } catch (IOException e) {
            throw new DumpException("cannot start a dump in " + directory.getRoot() + ": " + e + "; previous dump "
                + previous.map(Path::toString).orElse("<none>") + " is untouched", e);
        }
    }

    private void copyAreas(SpoolStore store, Path partial) throws IOException {
        for (AreaId area : store.listAreas()) {
            List<Path> files = store.listEntryFiles(area);
            Path target = partial.resolve(area.getKind().getDirectoryName()).resolve(area.encodedName());
            Files.createDirectories(target);
            directoriesToSync.add(target);
            directoriesToSync.add(target.getParent());
            areas++;
            for (Path file : files) {
                copyEntry(area, file, target);
            }
        }
    }

    /**
     * Copies the entries committed while the areas were being copied, until none is left. A mail
     * moving from one queue to another while the spool runs is written to its new area before it
     * leaves the old one; if the new area had been copied already and the old one was copied after
     * the mail left it, the mail would be in neither without this pass.
     */
    private void copyCommittedMeanwhile(CommitsDuringDump commits, Path partial) throws IOException {
        for (List<Change> batch = commits.drain(); !batch.isEmpty(); batch = commits.drain()) {
            for (Change change : batch) {
                AreaId area = change.entry().getArea();
                Path target = partial.resolve(area.getKind().getDirectoryName()).resolve(area.encodedName());
                if (change.committed()) {
                    copyLateEntry(area, change.entry().getPath(), target);
                } else {
                    removeCopy(area, change.entry().getPath(), target);
                }
            }
        }
    }

    private void copyLateEntry(AreaId area, Path source, Path target) throws IOException {
        if (!Files.isDirectory(target)) {
            Files.createDirectories(target);
            directoriesToSync.add(target);
            directoriesToSync.add(target.getParent());
            areas++;
        }
        copyEntry(area, source, target);
    }

    /**
     * Takes out the copy of an entry deleted during the dump: the mail was delivered, or moved to
     * an area whose new entry is copied too; keeping both would bring it back twice.
     */
    private void removeCopy(AreaId area, Path source, Path targetDirectory) throws IOException {
        String relative = relativeName(area, source);
        DumpManifest.Entry copied = written.remove(relative);
        if (copied == null) {
            return;
        }
        Path target = targetDirectory.resolve(source.getFileName());
        Files.deleteIfExists(target);
        filesToSync.remove(target);
        bytes -= copied.size();
        LOGGER.debug("Spool entry deleted during the dump, its copy removed path={}", source);
    }

    private static String relativeName(AreaId area, Path source) {
        return area.getKind().getDirectoryName() + "/" + area.encodedName() + "/" + source.getFileName();
    }

    private void copyEntry(AreaId area, Path source, Path targetDirectory) throws IOException {
        String relative = relativeName(area, source);
        if (!copiedEntries.add(relative)) {
            return;
        }
        Optional<Copied> copied = copy(source, targetDirectory.resolve(source.getFileName()), true);
        if (copied.isEmpty()) {
            LOGGER.debug("Spool entry removed during the dump, left out path={}", source);
            return;
        }
        copied.get().entryProblem().ifPresent(problem -> {
            damaged++;
            LOGGER.warn("Damaged spool entry dumped as is, a reload will quarantine it path={} problem={}",
                source, problem);
        });
        record(relative, copied.get());
        progress.processed(written.size() - quarantineFiles);
    }

    private void copyQuarantine(SpoolStore store, Path partial) throws IOException {
        Path quarantineTarget = partial.resolve("quarantine");
        for (Path relative : store.listQuarantineFiles()) {
            Path target = quarantineTarget.resolve(relative);
            Files.createDirectories(target.getParent());
            addDirectoriesUpTo(target.getParent(), partial);
            Optional<Copied> copied = copy(store.getQuarantineDirectory().resolve(relative), target, false);
            if (copied.isPresent()) {
                record(partial.relativize(target).toString().replace('\\', '/'), copied.get());
                quarantineFiles++;
            }
        }
    }

    private void addDirectoriesUpTo(Path directory, Path top) {
        for (Path current = directory; current != null && !current.equals(top); current = current.getParent()) {
            directoriesToSync.add(current);
        }
    }

    private void record(String relative, Copied copied) {
        written.put(relative, new DumpManifest.Entry(relative, copied.size(), copied.crc32c()));
        bytes += copied.size();
    }

    /** Collects the entries a running spool commits while the dump copies it. */
    private static final class CommitsDuringDump implements StoreListener {
        private final List<Change> changes = new ArrayList<>();

        @Override
        public synchronized void committed(SpoolEntry entry) {
            changes.add(new Change(entry, true));
        }

        @Override
        public synchronized void deleted(SpoolEntry entry) {
            changes.add(new Change(entry, false));
        }

        synchronized List<Change> drain() {
            List<Change> batch = new ArrayList<>(changes);
            changes.clear();
            return batch;
        }
    }

    /** An entry committed ({@code committed}) or deleted while the dump ran. */
    private record Change(SpoolEntry entry, boolean committed) {
    }

    /** A copied file: its size, the CRC32C of all of it, and what is wrong with it as an entry, if anything. */
    private record Copied(long size, int crc32c, Optional<String> entryProblem) {
    }

    /**
     * Copies {@code source} to the new file {@code target}, computing its CRC32C and, for an entry,
     * checking the entry's own checksum (CRC32C of all but the last 8 bytes, stored in the first 4 of
     * them). The target is fsynced later, with the others. Empty when the source vanished before it could be opened.
     */
    private Optional<Copied> copy(Path source, Path target, boolean isEntry) throws IOException {
        FileChannel in;
        try {
            in = FileChannel.open(source, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try (in; FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            long entryCovered = size - ENTRY_CHECKSUM_FIELDS;
            CRC32C whole = new CRC32C();
            CRC32C entry = new CRC32C();
            byte[] storedEntryCrc = new byte[4];
            long position = 0;
            while (position < size) {
                buffer.clear();
                int read = in.read(buffer, position);
                if (read < 0) {
                    break;
                }
                byte[] array = buffer.array();
                whole.update(array, 0, read);
                int entryPart = (int) Math.max(0, Math.min(read, entryCovered - position));
                entry.update(array, 0, entryPart);
                captureStoredChecksum(array, position, read, entryCovered, storedEntryCrc);
                buffer.flip();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                position += read;
            }
            filesToSync.add(target);
            Optional<String> problem = isEntry ? entryProblem(size, position, entry, storedEntryCrc) : Optional.empty();
            return Optional.of(new Copied(position, (int) whole.getValue(), problem));
        }
    }

    private static void captureStoredChecksum(byte[] chunk, long chunkStart, int length, long fieldStart,
                                              byte[] stored) {
        for (int i = 0; i < 4; i++) {
            long offset = fieldStart + i - chunkStart;
            if (fieldStart >= 0 && offset >= 0 && offset < length) {
                stored[i] = chunk[(int) offset];
            }
        }
    }

    private static Optional<String> entryProblem(long size, long copied, CRC32C computed, byte[] stored) {
        if (copied != size) {
            return Optional.of("file shrank while it was copied: " + copied + " of " + size + " bytes");
        }
        if (size < 26) {
            return Optional.of("file too short: " + size + " bytes");
        }
        int storedValue = ByteBuffer.wrap(stored).getInt();
        int computedValue = (int) computed.getValue();
        if (storedValue != computedValue) {
            return Optional.of(String.format("checksum mismatch: stored %08x, computed %08x", storedValue,
                computedValue));
        }
        return Optional.empty();
    }

    private void writeManifest(SpoolStore store, Path partial) throws IOException {
        DumpManifest manifest = new DumpManifest(clock.instant(), store.getRoot().toString(),
            new ArrayList<>(written.values()));
        try (FileChannel out = FileChannel.open(partial.resolve(DumpManifest.FILE_NAME), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer encoded = ByteBuffer.wrap(manifest.encode());
            while (encoded.hasRemaining()) {
                out.write(encoded);
            }
            out.force(true);
        }
    }

    private void syncDirectories(Path partial) throws IOException {
        for (Path directory : directoriesToSync) {
            FileSync.syncDirectory(directory);
        }
        FileSync.syncDirectory(partial);
    }

    private static void removeQuietly(Path partial) {
        try {
            DumpDirectory.deleteTree(partial);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("Cannot remove unfinished dump path={}", partial, e);
        }
    }

    private static DumpException failure(SpoolStore store, Path dumpDir, Optional<Path> previous, Exception e) {
        String previousText = previous.map(path -> "previous dump " + path + " is untouched")
            .orElse("there is no previous dump");
        String cause = isOutOfSpace(e) ? "the dump file system is full (" + e.getMessage() + ")" : e.toString();
        DumpException failure = new DumpException("dump of spool " + store.getRoot() + " to " + dumpDir
            + " failed: " + cause + "; " + previousText, e);
        LOGGER.error("Spool dump failed, nothing published path={} cause={} previous={}", dumpDir, cause,
            previous.map(Path::toString).orElse("<none>"), e);
        return failure;
    }

    static boolean isOutOfSpace(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }
}
