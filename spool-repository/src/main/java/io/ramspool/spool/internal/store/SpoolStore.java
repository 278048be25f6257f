package io.ramspool.spool.internal.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.mail.MessagingException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Preconditions;
import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;

/**
 * The files of a spool on a RAM disk (or, in durable mode, on a normal disk): one directory per
 * area (queue or repository), one file per committed mail.
 *
 * <p>A write goes to a hidden temporary file that is renamed into place once complete, so a
 * reader never sees half an entry and a crash leaves at worst a temporary file, which the next
 * {@link #open} removes and counts. On a RAM disk the files survive the JVM (not the machine),
 * so a killed process loses nothing it committed. In durable mode the file and its directory
 * are forced to the device before a write returns.
 *
 * <p>The store keeps exact, cheap accounting of the entries and bytes it holds; the size cap
 * is enforced at commit time. One process at a time may open a store directory: a lock file
 * guards it.
 *
 * <p>Thread-safe. Views (queues, repositories) keep their own in-memory index and call the store
 * for every change to the files. {@link StoreListener}s hear of each commit and deletion.
 *
 * <p>Limitations: deleting an entry does not sync its directory, so after a power loss a
 * durable store may bring back a mail that was already delivered (a duplicate, never a loss).
 */
public final class SpoolStore implements Closeable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolStore.class);
    static final String ENTRY_SUFFIX = ".msg";
    static final String TEMPORARY_PREFIX = ".tmp-";
    static final String LOCK_FILE = ".lock";
    static final String QUARANTINE_DIRECTORY = "quarantine";

    private final StoreOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileStore fileStore;
    private final AtomicLong sequence;
    private final AtomicLong entries;
    private final AtomicLong bytesUsed;
    private final Map<AreaId, List<SpoolEntry>> recovered;
    private final Map<AreaId, Object> views;
    private final RecoveryReport recoveryReport;
    private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
    /** Area directories known to exist: checking on every write cost a stat call per mail. */
    private final Set<Path> knownDirectories = ConcurrentHashMap.newKeySet();
    private final Map<AreaId, Path> areaDirectories = new ConcurrentHashMap<>();

    private SpoolStore(StoreOptions options, FileChannel lockChannel, FileLock lock, FileStore fileStore,
                       Scan scan) {
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.fileStore = fileStore;
        this.sequence = new AtomicLong(scan.maxSequence + 1);
        this.entries = new AtomicLong(scan.entryCount);
        this.bytesUsed = new AtomicLong(scan.bytes);
        this.recovered = new ConcurrentHashMap<>(scan.entriesByArea);
        this.views = new ConcurrentHashMap<>();
        this.recoveryReport = scan.report;
    }

    /**
     * Opens (creating it if needed) the store at {@code options.getRoot()}, takes its lock and runs
     * the recovery scan: temporary files are removed, damaged entries moved to quarantine.
     *
     * @throws StoreException when the directory cannot be created or written, or another
     *     process holds it
     */
    public static SpoolStore open(StoreOptions options) throws StoreException {
        Path root = options.getRoot();
        Stopwatch stopwatch = Stopwatch.createStarted();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StoreException("cannot create spool directory " + root + ": " + e, e);
        }
        if (!Files.isWritable(root)) {
            throw new StoreException("spool directory " + root + " is not writable");
        }
        FileChannel lockChannel = openLockChannel(root);
        FileLock lock = acquireLock(root, lockChannel);
        try {
            FileStore fileStore = Files.getFileStore(root);
            Scan scan = new Scan(options).run(stopwatch);
            SpoolStore store = new SpoolStore(options, lockChannel, lock, fileStore, scan);
            store.logOpened(fileStore);
            return store;
        } catch (IOException | RuntimeException e) {
            closeQuietly(lockChannel);
            throw e instanceof StoreException ? (StoreException) e
                : new StoreException("cannot open spool directory " + root + ": " + e, e);
        }
    }

    static FileChannel openLockChannel(Path root) throws StoreException {
        try {
            return FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot create lock file in spool directory " + root + ": " + e, e);
        }
    }

    static FileLock acquireLock(Path root, FileChannel lockChannel) throws StoreException {
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(lockChannel);
            throw new StoreLockedException("spool directory " + root + " is already open: " + e, e);
        }
        if (lock == null) {
            closeQuietly(lockChannel);
            throw new StoreLockedException("spool directory " + root + " is in use by another process"
                + " (lock file " + root.resolve(LOCK_FILE) + ")");
        }
        return lock;
    }

    private void logOpened(FileStore store) {
        LOGGER.info("Spool store opened path={} fs={} durable={} entries={} bytes={} areas={} temporaryRemoved={}"
                + " quarantined={} supersededRemoved={} durationMs={}",
            options.getRoot(), store.type(), options.isDurable(), recoveryReport.getEntries(),
            recoveryReport.getBytes(), recoveryReport.getAreas(), recoveryReport.getTemporaryFilesRemoved(),
            recoveryReport.getQuarantined(), recoveryReport.getSupersededRemoved(),
            recoveryReport.getDurationMillis());
    }

    public StoreOptions getOptions() {
        return options;
    }

    public Path getRoot() {
        return options.getRoot();
    }

    public RecoveryReport getRecoveryReport() {
        return recoveryReport;
    }

    /** The file system type of the store directory, for example "tmpfs". */
    public String getFileSystemType() {
        return fileStore.type();
    }

    /**
     * Returns the view registered for {@code area}, creating it on first use from the entries the
     * recovery scan found there (sorted by sequence). One view per area per store, so that two
     * James components naming the same queue or repository share one index.
     */
    @SuppressWarnings("unchecked")
    public <T> T view(AreaId area, Function<List<SpoolEntry>, T> factory) {
        return (T) views.computeIfAbsent(area, id -> factory.apply(takeRecovered(id)));
    }

    private List<SpoolEntry> takeRecovered(AreaId area) {
        List<SpoolEntry> found = recovered.remove(area);
        if (found == null) {
            return ImmutableList.of();
        }
        // Imported entries may have joined the scan's list out of order.
        List<SpoolEntry> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingLong(SpoolEntry::getSequence));
        return sorted;
    }

    /** Every area that has a directory or a view, for the offline tools and the dump. */
    public List<AreaId> listAreas() throws StoreException {
        List<AreaId> areas = new ArrayList<>(views.keySet());
        for (AreaId.Kind kind : AreaId.Kind.values()) {
            Path kindDirectory = getRoot().resolve(kind.getDirectoryName());
            if (!Files.isDirectory(kindDirectory)) {
                continue;
            }
            try (DirectoryStream<Path> areaDirectories = Files.newDirectoryStream(kindDirectory)) {
                for (Path areaDirectory : areaDirectories) {
                    AreaId area = AreaId.fromDirectory(kind.getDirectoryName(), areaDirectory.getFileName().toString());
                    if (!areas.contains(area)) {
                        areas.add(area);
                    }
                }
            } catch (IOException e) {
                throw new StoreException("cannot list " + kindDirectory + ": " + e, e);
            }
        }
        return areas;
    }

    /**
     * The committed entry files of {@code area} as they are on disk now, in sequence order;
     * temporary files are left out. For the dump, which must see every file, not only the ones
     * a view has indexed. Empty when the area has no directory.
     */
    public List<Path> listEntryFiles(AreaId area) throws StoreException {
        return listEntryFiles(areaDirectory(area));
    }

    static List<Path> listEntryFiles(Path directory) throws StoreException {
        if (!Files.isDirectory(directory)) {
            return ImmutableList.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + ENTRY_SUFFIX)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new StoreException("cannot list " + directory + ": " + e, e);
        }
        // Names are 16 hex digits, so name order is sequence order.
        files.sort(Comparator.comparing(path -> path.getFileName().toString()));
        return files;
    }

    /**
     * Copies a complete entry file written by a store (typically found in a dump) into
     * {@code area}, keeping its sequence number and file name. The source's structure and
     * checksum are verified before anything is written. Returns empty, and writes nothing, when
     * the area already holds an entry with that sequence number: importing the same file twice
     * never makes a duplicate.
     *
     * <p>The entry joins the entries that the area's view receives when it is created, so
     * imports must happen before the view exists; importing into an area whose view is open is
     * refused with an {@link IllegalStateException}.
     *
     * @throws CorruptEntryException when the source is damaged (nothing was written)
     * @throws SpoolFullException when the size cap or the file system's space is exhausted
     * @throws StoreException for any other I/O failure, with the path in the message
     */
    public synchronized Optional<SpoolEntry> importEntry(AreaId area, Path source) throws StoreException {
        Preconditions.checkState(!views.containsKey(area), "cannot import into %s: its view is already open", area);
        Optional<SpoolEntry> imported = copyIn(area, source);
        imported.ifPresent(entry -> recovered.computeIfAbsent(area, id -> new ArrayList<>()).add(entry));
        return imported;
    }

    /**
     * Copies a complete entry file of another store into {@code area} while its view is open, keeping
     * its sequence number, like {@link #importEntry} but without handing the entry to the view: the
     * caller (the view itself) indexes the returned entry. Empty, and nothing written, when the area
     * already holds that sequence number, so a copy repeated after a crash never makes a duplicate.
     *
     * @throws CorruptEntryException when the source is damaged (nothing was written)
     * @throws SpoolFullException when the size cap or the file system's space is exhausted
     * @throws StoreException for any other I/O failure, with the path in the message
     */
    public synchronized Optional<SpoolEntry> adoptEntry(AreaId area, Path source) throws StoreException {
        return copyIn(area, source);
    }

    /** Whether {@code area} holds a committed entry with {@code sequence}. */
    public boolean containsEntry(AreaId area, long sequence) {
        return Files.exists(areaDirectory(area).resolve(fileStem(sequence) + ENTRY_SUFFIX));
    }

    /**
     * Makes every later {@link #nextSequence()} at least {@code floor}: entries this store hands to
     * another store (the overflow directory) keep their number, and must never meet a new one.
     */
    public void advanceSequence(long floor) {
        sequence.accumulateAndGet(floor, Math::max);
    }

    private Optional<SpoolEntry> copyIn(AreaId area, Path source) throws StoreException {
        SpoolEntry original = readVerified(area, source);
        String fileStem = fileStem(original.getSequence());
        Path directory = areaDirectory(area);
        Path target = directory.resolve(fileStem + ENTRY_SUFFIX);
        if (Files.exists(target)) {
            return Optional.empty();
        }
        Path temporary = directory.resolve(TEMPORARY_PREFIX + fileStem);
        copyToTemporary(source, temporary, directory);
        reserve(original.getFileSize(), temporary, target);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            maybeSyncDirectory(directory);
        } catch (IOException e) {
            bytesUsed.addAndGet(-original.getFileSize());
            deleteQuietly(temporary);
            throw new StoreException("cannot commit imported spool entry " + target + ": " + e, e);
        }
        entries.incrementAndGet();
        sequence.accumulateAndGet(original.getSequence() + 1, Math::max);
        SpoolEntry entry = new SpoolEntry(area, target, original.getHeader(), original.getBodyOffset(),
            original.getBodyLength(), original.getFileSize());
        notifyCommitted(entry);
        return Optional.of(entry);
    }

    private static SpoolEntry readVerified(AreaId area, Path source) throws StoreException {
        try {
            SpoolEntry entry = EntryFile.read(area, source);
            EntryFile.verifyChecksum(source);
            return entry;
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw new StoreException("cannot read entry file " + source + ": " + e, e);
        }
    }

    private void copyToTemporary(Path source, Path temporary, Path directory) throws StoreException {
        try {
            ensureDirectory(directory);
            Files.copy(source, temporary);
            if (options.isDurable()) {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        } catch (IOException e) {
            deleteQuietly(temporary);
            if (isOutOfSpace(e)) {
                throw new SpoolFullException("spool file system is full: cannot import " + source + " into "
                    + options.getRoot(), e);
            }
            throw new StoreException("cannot copy " + source + " to " + temporary + ": " + e, e);
        }
    }

    /** Where damaged entries are set aside: {@code <root>/quarantine}. */
    public Path getQuarantineDirectory() {
        return getRoot().resolve(QUARANTINE_DIRECTORY);
    }

    /**
     * Every file under the quarantine directory (entries and their {@code .reason} files), as
     * paths relative to it, sorted. Empty when there is no quarantine.
     */
    public List<Path> listQuarantineFiles() throws StoreException {
        Path quarantineRoot = getQuarantineDirectory();
        if (!Files.isDirectory(quarantineRoot)) {
            return ImmutableList.of();
        }
        try (var walk = Files.walk(quarantineRoot)) {
            return walk.filter(Files::isRegularFile)
                .map(quarantineRoot::relativize)
                .sorted()
                .collect(ImmutableList.toImmutableList());
        } catch (IOException | UncheckedIOException e) {
            throw new StoreException("cannot list spool quarantine " + quarantineRoot + ": " + e, e);
        }
    }

    /**
     * Sets a damaged or missing file aside in the quarantine at {@code relative} (for example
     * {@code queue/spool/00000000000000a1.msg}), with a {@code .reason} file next to it. The
     * damaged bytes, when there are any, are copied, never moved: the source is left as it is. An
     * existing quarantined file is never replaced; a numeric suffix keeps both.
     *
     * @return the path of the quarantined copy (or, without bytes, of the place it would have)
     */
    public synchronized Path quarantineCopy(Path relative, Optional<Path> damagedBytes, String reason)
            throws StoreException {
        Path target = unusedQuarantinePath(resolveInQuarantine(relative));
        try {
            Files.createDirectories(target.getParent());
            if (damagedBytes.isPresent() && Files.isRegularFile(damagedBytes.get())) {
                Files.copy(damagedBytes.get(), target);
            }
            Files.writeString(target.resolveSibling(target.getFileName() + ".reason"), reason + "\n",
                StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot quarantine " + relative + " in " + getQuarantineDirectory() + ": " + e, e);
        }
        noteQuarantinedSequence(relative);
        LOGGER.warn("Quarantined damaged spool entry path={} reason={}", target, reason);
        return target;
    }

    /**
     * Copies a file that was in the quarantine of a dumped store back to {@code relative} in this
     * store's quarantine. Returns false, and copies nothing, when that file already exists.
     */
    public synchronized boolean restoreQuarantined(Path relative, Path source) throws StoreException {
        Path target = resolveInQuarantine(relative);
        if (Files.exists(target)) {
            return false;
        }
        try {
            Files.createDirectories(target.getParent());
            Files.copy(source, target);
        } catch (IOException e) {
            throw new StoreException("cannot restore quarantined file " + source + " to " + target + ": " + e, e);
        }
        noteQuarantinedSequence(relative);
        return true;
    }

    private Path resolveInQuarantine(Path relative) {
        Path quarantineRoot = getQuarantineDirectory();
        Path target = quarantineRoot.resolve(relative).normalize();
        Preconditions.checkArgument(!relative.isAbsolute() && target.startsWith(quarantineRoot)
            && !target.equals(quarantineRoot), "quarantine path must stay inside %s: %s", quarantineRoot, relative);
        return target;
    }

    private static Path unusedQuarantinePath(Path wanted) {
        Path candidate = wanted;
        for (int suffix = 1; Files.exists(candidate); suffix++) {
            candidate = wanted.resolveSibling(wanted.getFileName() + "." + suffix);
        }
        return candidate;
    }

    private void noteQuarantinedSequence(Path relative) {
        // New entries must never reuse the name of a quarantined one.
        String name = relative.getFileName().toString();
        if (name.endsWith(ENTRY_SUFFIX) && name.length() == 16 + ENTRY_SUFFIX.length()) {
            try {
                long quarantined = Long.parseUnsignedLong(name.substring(0, 16), 16);
                sequence.accumulateAndGet(quarantined + 1, Math::max);
            } catch (NumberFormatException e) {
                LOGGER.debug("Quarantined file name without a sequence number name={}", name);
            }
        }
    }

    /** A fresh sequence number: unique in this store, increasing, also across restarts. */
    public long nextSequence() {
        return sequence.getAndIncrement();
    }

    /**
     * Writes and commits one entry. When this returns the entry is visible to a new
     * {@link #open} (and, in durable mode, on the device). On any failure nothing is committed and
     * the temporary file is gone.
     *
     * @throws SpoolFullException when the size cap or the file system's space is exhausted
     * @throws StoreException for any other I/O failure, with the path in the message
     */
    public SpoolEntry write(AreaId area, EntryHeader header, BodyWriter body) throws StoreException {
        Path directory = areaDirectory(area);
        String fileStem = fileStem(header.getSequence());
        Path temporary = directory.resolve(TEMPORARY_PREFIX + fileStem);
        Path target = directory.resolve(fileStem + ENTRY_SUFFIX);
        EntryFile.Written written = writeTemporary(area, header, body, directory, temporary);
        long size = written.fileSize();
        reserve(size, temporary, target);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            maybeSyncDirectory(directory);
        } catch (IOException e) {
            bytesUsed.addAndGet(-size);
            deleteQuietly(temporary);
            throw new StoreException("cannot commit spool entry " + target + ": " + e, e);
        }
        entries.incrementAndGet();
        SpoolEntry entry = new SpoolEntry(area, target, header, written.bodyOffset(), written.bodyLength(), size);
        notifyCommitted(entry);
        return entry;
    }

    private EntryFile.Written writeTemporary(AreaId area, EntryHeader header, BodyWriter body, Path directory,
                                             Path temporary) throws StoreException {
        try {
            ensureDirectory(directory);
            return EntryFile.write(temporary, header, body, options.isDurable());
        } catch (NoSuchFileException e) {
            // The area directory vanished under the store (removed by hand): create it again, once.
            knownDirectories.remove(directory);
            return writeTemporaryAgain(area, header, body, directory, temporary, e);
        } catch (IOException e) {
            deleteQuietly(temporary);
            if (isOutOfSpace(e)) {
                throw new SpoolFullException("spool file system is full: cannot write mail " + header.getName()
                    + " to " + area + " in " + options.getRoot(), e);
            }
            throw new StoreException("cannot write mail " + header.getName() + " to " + temporary + ": " + e, e);
        } catch (MessagingException e) {
            deleteQuietly(temporary);
            throw new StoreException("cannot read the message of mail " + header.getName() + " while spooling it: "
                + e.getMessage(), e);
        }
    }

    private void reserve(long size, Path temporary, Path target) throws SpoolFullException {
        long cap = options.getMaxBytes();
        long used = bytesUsed.addAndGet(size);
        if (cap != StoreOptions.NO_CAP && used > cap) {
            bytesUsed.addAndGet(-size);
            deleteQuietly(temporary);
            throw new SpoolFullException("spool size cap reached: " + target.getFileName() + " needs " + size
                + " bytes, " + (used - size) + " of " + cap + " bytes in use in " + options.getRoot());
        }
    }

    /**
     * Deletes a committed entry. Deleting an entry that is already gone is not an error (a
     * concurrent remove won), and does not change the accounting.
     */
    public void delete(SpoolEntry entry) throws StoreException {
        try {
            if (Files.deleteIfExists(entry.getPath())) {
                entries.decrementAndGet();
                bytesUsed.addAndGet(-entry.getFileSize());
                notifyDeleted(entry);
            }
        } catch (IOException e) {
            throw new StoreException("cannot delete spool entry " + entry.getPath() + ": " + e, e);
        }
    }

    /**
     * Registers a listener told of every later commit and deletion, on the thread that makes it.
     * Changes made before this call are not reported: a listener that mirrors the store lists it
     * after registering.
     */
    public void addListener(StoreListener listener) {
        listeners.add(Preconditions.checkNotNull(listener, "listener"));
    }

    public void removeListener(StoreListener listener) {
        listeners.remove(listener);
    }

    private void notifyCommitted(SpoolEntry entry) {
        for (StoreListener listener : listeners) {
            try {
                listener.committed(entry);
            } catch (RuntimeException e) {
                // The entry is committed whatever a listener does; its failure must not fail the write.
                LOGGER.error("Spool store listener failed on a commit path={}", entry.getPath(), e);
            }
        }
    }

    private void notifyDeleted(SpoolEntry entry) {
        for (StoreListener listener : listeners) {
            try {
                listener.deleted(entry);
            } catch (RuntimeException e) {
                LOGGER.error("Spool store listener failed on a deletion path={}", entry.getPath(), e);
            }
        }
    }

    /** Opens the raw MIME bytes of an entry; the caller closes the stream. */
    public InputStream openBody(SpoolEntry entry) throws IOException {
        return EntryFile.openBody(entry);
    }

    /** Re-reads an entry's header from its file, checking its structure (not its checksum). */
    public SpoolEntry read(AreaId area, Path path) throws IOException {
        return EntryFile.read(area, path);
    }

    /** Recomputes an entry's checksum; throws {@link CorruptEntryException} on mismatch. */
    public void verify(SpoolEntry entry) throws IOException {
        EntryFile.verifyChecksum(entry.getPath());
    }

    public StoreUsage getUsage() {
        return new StoreUsage(entries.get(), bytesUsed.get(), options.getMaxBytes(), usableSpace(), totalSpace());
    }

    /** Entries and bytes only, without the file system call: for the hottest paths. */
    public long getBytesUsed() {
        return bytesUsed.get();
    }

    public long getEntryCount() {
        return entries.get();
    }

    private long usableSpace() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            LOGGER.warn("Cannot read free space of spool file system path={}", options.getRoot(), e);
            return 0;
        }
    }

    private long totalSpace() {
        try {
            return fileStore.getTotalSpace();
        } catch (IOException e) {
            LOGGER.warn("Cannot read size of spool file system path={}", options.getRoot(), e);
            return 0;
        }
    }

    Path areaDirectory(AreaId area) {
        // Cached: encoding the name and resolving two paths for every mail showed in profiles.
        return areaDirectories.computeIfAbsent(area,
            key -> getRoot().resolve(key.getKind().getDirectoryName()).resolve(key.encodedName()));
    }

    /** The file name of an entry without suffix: its sequence as 16 hexadecimal digits. */
    static String fileStem(long sequence) {
        String hex = Long.toHexString(sequence);
        return "0".repeat(16 - hex.length()) + hex;
    }

    private EntryFile.Written writeTemporaryAgain(AreaId area, EntryHeader header, BodyWriter body, Path directory,
                                                  Path temporary, NoSuchFileException first) throws StoreException {
        try {
            ensureDirectory(directory);
            return EntryFile.write(temporary, header, body, options.isDurable());
        } catch (IOException | MessagingException e) {
            deleteQuietly(temporary);
            e.addSuppressed(first);
            throw new StoreException("cannot write mail " + header.getName() + " to " + temporary + " in " + area
                + ": " + e, e);
        }
    }

    private void ensureDirectory(Path directory) throws IOException {
        if (knownDirectories.contains(directory)) {
            return;
        }
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            maybeSyncDirectory(directory.getParent());
            maybeSyncDirectory(directory.getParent().getParent());
        }
        knownDirectories.add(directory);
    }

    private void maybeSyncDirectory(Path directory) throws IOException {
        if (options.isDurable()) {
            syncDirectory(directory);
        }
    }

    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static boolean isOutOfSpace(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOGGER.warn("Cannot delete spool file path={}", path, e);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOGGER.warn("Cannot close spool lock file", e);
        }
    }

    /** Releases the directory lock. Views must not be used afterwards. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
        LOGGER.info("Spool store closed path={} entries={} bytes={}", getRoot(), entries.get(), bytesUsed.get());
    }

    /** The recovery scan run once by {@link #open}. */
    private static final class Scan {
        private final StoreOptions options;
        private final Map<AreaId, List<SpoolEntry>> entriesByArea = new HashMap<>();
        private long maxSequence = 0;
        private long entryCount;
        private long bytes;
        private int temporaryRemoved;
        private int quarantined;
        private int supersededRemoved;
        private RecoveryReport report;

        Scan(StoreOptions options) {
            this.options = options;
        }

        Scan run(Stopwatch stopwatch) throws IOException {
            for (AreaId.Kind kind : AreaId.Kind.values()) {
                scanKind(kind);
            }
            sequenceFloorFromQuarantine();
            report = new RecoveryReport(entryCount, bytes, entriesByArea.size(), temporaryRemoved, quarantined,
                supersededRemoved, stopwatch.elapsed().toMillis());
            return this;
        }

        private void scanKind(AreaId.Kind kind) throws IOException {
            Path kindDirectory = options.getRoot().resolve(kind.getDirectoryName());
            if (!Files.isDirectory(kindDirectory)) {
                return;
            }
            try (DirectoryStream<Path> areaDirectories = Files.newDirectoryStream(kindDirectory)) {
                for (Path areaDirectory : areaDirectories) {
                    if (Files.isDirectory(areaDirectory)) {
                        AreaId area = AreaId.fromDirectory(kind.getDirectoryName(),
                            areaDirectory.getFileName().toString());
                        scanArea(area, areaDirectory);
                    }
                }
            }
        }

        private void scanArea(AreaId area, Path directory) throws IOException {
            List<SpoolEntry> found = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    scanFile(area, file).ifPresent(found::add);
                }
            }
            found.sort(Comparator.comparingLong(SpoolEntry::getSequence));
            if (area.getKind() == AreaId.Kind.REPOSITORY) {
                found = dropSupersededKeys(found);
            }
            for (SpoolEntry entry : found) {
                entryCount++;
                bytes += entry.getFileSize();
            }
            entriesByArea.put(area, found);
        }

        private Optional<SpoolEntry> scanFile(AreaId area, Path file) throws IOException {
            String fileName = file.getFileName().toString();
            if (fileName.startsWith(TEMPORARY_PREFIX)) {
                LOGGER.info("Removing interrupted spool write path={}", file);
                Files.deleteIfExists(file);
                temporaryRemoved++;
                noteSequence(fileName.substring(TEMPORARY_PREFIX.length()));
                return Optional.empty();
            }
            if (!fileName.endsWith(ENTRY_SUFFIX)) {
                LOGGER.warn("Ignoring unknown file in spool area path={}", file);
                return Optional.empty();
            }
            noteSequence(fileName.substring(0, fileName.length() - ENTRY_SUFFIX.length()));
            try {
                SpoolEntry entry = EntryFile.read(area, file);
                if (options.isVerifyChecksumsOnOpen()) {
                    EntryFile.verifyChecksum(file);
                }
                maxSequence = Math.max(maxSequence, entry.getSequence());
                return Optional.of(entry);
            } catch (CorruptEntryException e) {
                quarantine(area, file, e.getMessage());
                return Optional.empty();
            }
        }

        private void noteSequence(String hex) {
            try {
                maxSequence = Math.max(maxSequence, Long.parseUnsignedLong(hex, 16));
            } catch (NumberFormatException e) {
                LOGGER.debug("Spool file name without a sequence number name={}", hex);
            }
        }

        private List<SpoolEntry> dropSupersededKeys(List<SpoolEntry> sortedBySequence) {
            Map<String, SpoolEntry> newestByKey = new LinkedHashMap<>();
            for (SpoolEntry entry : sortedBySequence) {
                String key = entry.getHeader().getKey().orElse(entry.getHeader().getName());
                SpoolEntry older = newestByKey.put(key, entry);
                if (older != null) {
                    LOGGER.info("Removing superseded repository entry area={} path={}", entry.getArea(),
                        older.getPath());
                    deleteQuietly(older.getPath());
                    supersededRemoved++;
                }
            }
            List<SpoolEntry> kept = new ArrayList<>(newestByKey.values());
            kept.sort(Comparator.comparingLong(SpoolEntry::getSequence));
            return kept;
        }

        private void quarantine(AreaId area, Path file, String reason) throws IOException {
            Path target = quarantineDirectory(options.getRoot(), area).resolve(file.getFileName());
            Files.createDirectories(target.getParent());
            moveReplacing(file, target);
            Files.writeString(target.resolveSibling(target.getFileName() + ".reason"), reason + "\n",
                StandardCharsets.UTF_8);
            LOGGER.warn("Quarantined damaged spool entry area={} path={} reason={}", area, target, reason);
            quarantined++;
        }

        private void sequenceFloorFromQuarantine() {
            // Quarantined files keep their names; new entries must never reuse one of them.
            Path quarantineRoot = options.getRoot().resolve(QUARANTINE_DIRECTORY);
            if (!Files.isDirectory(quarantineRoot)) {
                return;
            }
            try (var walk = Files.walk(quarantineRoot)) {
                walk.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(ENTRY_SUFFIX))
                    .forEach(name -> noteSequence(name.substring(0, name.length() - ENTRY_SUFFIX.length())));
            } catch (IOException e) {
                LOGGER.warn("Cannot list spool quarantine path={}", quarantineRoot, e);
            }
        }
    }

    static Path quarantineDirectory(Path root, AreaId area) {
        return root.resolve(QUARANTINE_DIRECTORY).resolve(area.getKind().getDirectoryName())
            .resolve(area.encodedName());
    }

    private static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
