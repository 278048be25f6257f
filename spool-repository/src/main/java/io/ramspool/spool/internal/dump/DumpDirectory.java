package io.ramspool.spool.internal.dump;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.internal.store.StoreLockedException;

/**
 * The durable directory that holds dumps, and the rules that make publishing atomic:
 *
 * <pre>
 *   &lt;dumpDir&gt;/.lock                       held while a dump is written or reloaded
 *   &lt;dumpDir&gt;/CURRENT                     the name of the current dump, one line
 *   &lt;dumpDir&gt;/dump-&lt;time&gt;/               a complete dump (MANIFEST + entry files)
 *   &lt;dumpDir&gt;/dump-&lt;time&gt;.partial/       a dump being written, never read
 *   &lt;dumpDir&gt;/retired-dump-&lt;time&gt;/       a dump already reloaded, kept for manual recovery
 *   &lt;dumpDir&gt;/checkpoint/                 the continuous checkpoint: a dump without MANIFEST, kept
 *                                        up to date while the relay runs
 *   &lt;dumpDir&gt;/checkpoint.partial/         a first checkpoint being built, never read
 *   &lt;dumpDir&gt;/retired-checkpoint/         a checkpoint superseded by a dump or already reloaded
 * </pre>
 *
 * A dump is written into its {@code .partial} directory, every file and directory is fsynced, the
 * directory is renamed to its final name, and only then is CURRENT replaced (write a temporary
 * file, fsync, rename, fsync the directory). Older dumps are deleted after that. A crash at any
 * point leaves either the old or the new dump complete and named.
 *
 * <p>The checkpoint, when there is one, is newer than the current dump and a reload prefers it
 * ({@link #findReloadSource}): publishing a dump retires the checkpoint before CURRENT names the
 * new dump, and a checkpoint is put in place (built, or kept after a reload) before CURRENT is
 * removed. Whatever step a crash interrupts, the source a reload picks is the newest complete one.
 *
 * <p>Holds the directory's lock from {@link #lock} to {@link #close}. Not thread-safe.
 */
public final class DumpDirectory implements Closeable {
    public static final String CURRENT = "CURRENT";
    public static final String DUMP_PREFIX = "dump-";
    public static final String PARTIAL_SUFFIX = ".partial";
    public static final String RETIRED_PREFIX = "retired-";
    public static final String CHECKPOINT = "checkpoint";
    static final String CHECKPOINT_PARTIAL = CHECKPOINT + PARTIAL_SUFFIX;
    static final String LOCK_FILE = ".lock";
    private static final Logger LOGGER = LoggerFactory.getLogger(DumpDirectory.class);
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    private static final Pattern DUMP_NAME = Pattern.compile("dump-[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z(-[0-9]+)?");

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DumpDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the dump directory {@code dumpDir}, creating the directory when
     * {@code create} is set.
     *
     * @throws StoreLockedException when another process is writing or reloading a dump there
     * @throws DumpException when the directory does not exist (and may not be created) or cannot be locked
     */
    public static DumpDirectory lock(Path dumpDir, boolean create) throws DumpException, StoreLockedException {
        Path root = dumpDir.toAbsolutePath().normalize();
        try {
            if (create && !Files.isDirectory(root)) {
                Files.createDirectories(root);
                FileSync.syncDirectory(root.getParent());
            }
            if (!Files.isDirectory(root)) {
                throw new DumpException("dump directory " + root + " does not exist");
            }
            FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
            return new DumpDirectory(root, channel, tryLock(root, channel));
        } catch (DumpException | StoreLockedException e) {
            throw e;
        } catch (IOException e) {
            throw new DumpException("cannot open dump directory " + root + ": " + e, e);
        }
    }

    private static FileLock tryLock(Path root, FileChannel channel) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new StoreLockedException("dump directory " + root + " is in use by another dump or reload"
                + " (lock file " + root.resolve(LOCK_FILE) + ")");
        }
        return lock;
    }

    public Path getRoot() {
        return root;
    }

    /**
     * The current complete dump: the one CURRENT names, or, when CURRENT is missing or names no
     * directory (a crash between publishing a dump and updating CURRENT), the newest complete
     * {@code dump-*} directory, with a warning. Empty when there is none.
     */
    public Optional<Path> findCurrent() throws DumpException {
        Optional<String> named = readCurrentName();
        if (named.isPresent() && DUMP_NAME.matcher(named.get()).matches()
                && Files.isDirectory(root.resolve(named.get()))) {
            return Optional.of(root.resolve(named.get()));
        }
        Optional<Path> newest = listDumps().stream().reduce((first, second) -> second);
        if (newest.isPresent()) {
            LOGGER.warn("Dump pointer does not name a complete dump, using the newest one current={} dump={}",
                named.orElse("<missing>"), newest.get());
        }
        return newest;
    }

    /** The checkpoint directory, when there is one. */
    public Optional<Path> findCheckpoint() {
        Path checkpoint = root.resolve(CHECKPOINT);
        return Files.isDirectory(checkpoint) ? Optional.of(checkpoint) : Optional.empty();
    }

    /** What a reload replays: the checkpoint when there is one (it is always the newer), else the current dump. */
    public Optional<Path> findReloadSource() throws DumpException {
        Optional<Path> checkpoint = findCheckpoint();
        return checkpoint.isPresent() ? checkpoint : findCurrent();
    }

    /**
     * True for a checkpoint directory, live or retired: a dump without a manifest, whose entries
     * are each checked against their own checksum and whose temporary files are ignored.
     */
    public static boolean isCheckpoint(Path directory) {
        String name = directory.getFileName().toString();
        return name.equals(CHECKPOINT) || name.equals(RETIRED_PREFIX + CHECKPOINT);
    }

    private Optional<String> readCurrentName() throws DumpException {
        try {
            return Optional.of(Files.readString(root.resolve(CURRENT), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DumpException("cannot read dump pointer " + root.resolve(CURRENT) + ": " + e, e);
        }
    }

    /** Complete dumps, oldest first (names sort by time). */
    public List<Path> listDumps() throws DumpException {
        return listMatching(name -> DUMP_NAME.matcher(name).matches());
    }

    private List<Path> listMatching(Predicate<String> namePredicate) throws DumpException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                if (Files.isDirectory(child) && namePredicate.test(child.getFileName().toString())) {
                    found.add(child);
                }
            }
        } catch (IOException e) {
            throw new DumpException("cannot list dump directory " + root + ": " + e, e);
        }
        found.sort(Comparator.comparing(path -> path.getFileName().toString()));
        return found;
    }

    /**
     * Creates the {@code .partial} directory of a new dump named after {@code now}, after removing
     * partial directories that failed dumps left behind.
     */
    public Path createPartial(Instant now) throws IOException {
        for (Path stale : listMatching(name -> name.endsWith(PARTIAL_SUFFIX))) {
            LOGGER.info("Removing unfinished dump path={}", stale);
            deleteTree(stale);
        }
        String name = DUMP_PREFIX + NAME_TIME.format(now);
        String unique = name;
        for (int suffix = 1; Files.exists(root.resolve(unique)) || Files.exists(root.resolve(RETIRED_PREFIX + unique));
             suffix++) {
            unique = name + "-" + suffix;
        }
        Path partial = root.resolve(unique + PARTIAL_SUFFIX);
        Files.createDirectory(partial);
        return partial;
    }

    /**
     * Publishes a complete, synced partial dump: renames it to its final name, points CURRENT at
     * it, then deletes every other dump, retired dump and partial dump.
     *
     * @return the published dump's directory
     */
    public Path publish(Path partial) throws IOException {
        String fileName = partial.getFileName().toString();
        Path published = root.resolve(fileName.substring(0, fileName.length() - PARTIAL_SUFFIX.length()));
        Files.move(partial, published, StandardCopyOption.ATOMIC_MOVE);
        FileSync.syncDirectory(root);
        // The dump is newer than the checkpoint: retire the checkpoint before CURRENT names the dump.
        Optional<Path> checkpoint = findCheckpoint();
        if (checkpoint.isPresent()) {
            retire(checkpoint.get());
            LOGGER.info("Checkpoint superseded by a dump dump={}", published);
        }
        writeCurrent(published.getFileName().toString());
        removeAllBut(published);
        return published;
    }

    private void writeCurrent(String name) throws IOException {
        Path temporary = root.resolve(CURRENT + ".tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap((name + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temporary, root.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        FileSync.syncDirectory(root);
    }

    private void removeAllBut(Path kept) throws DumpException {
        List<Path> obsolete = listMatching(name -> name.startsWith(DUMP_PREFIX) || name.startsWith(RETIRED_PREFIX)
            || name.equals(CHECKPOINT_PARTIAL));
        for (Path old : obsolete) {
            if (!old.equals(kept)) {
                try {
                    deleteTree(old);
                    LOGGER.info("Removed older dump path={}", old);
                } catch (IOException | UncheckedIOException e) {
                    LOGGER.warn("Cannot remove older dump path={}", old, e);
                }
            }
        }
    }

    /**
     * Marks a reloaded dump as used: renames it to {@code retired-<name>} and removes CURRENT when
     * it named that dump. The retired dump stays until the next dump is published, for manual
     * recovery after a power loss that follows a reload.
     *
     * @return the retired dump's directory
     */
    public Path retire(Path dump) throws IOException {
        String name = dump.getFileName().toString();
        Path retired = root.resolve(RETIRED_PREFIX + name);
        deleteTree(retired);
        Files.move(dump, retired, StandardCopyOption.ATOMIC_MOVE);
        FileSync.syncDirectory(root);
        removeCurrentIfNamed(name);
        return retired;
    }

    /**
     * Makes a just replayed dump or checkpoint the checkpoint: renames it {@code checkpoint}
     * (retiring an older checkpoint), deletes its manifest, which the checkpoint's changes would
     * make wrong, and removes CURRENT when it named it. A dump outside this directory is left
     * alone.
     *
     * @return the checkpoint directory, or empty when {@code replayed} is not in this directory
     */
    public Optional<Path> keepAsCheckpoint(Path replayed) throws IOException {
        Path source = replayed.toAbsolutePath().normalize();
        Path checkpoint = root.resolve(CHECKPOINT);
        if (source.equals(checkpoint)) {
            return Optional.of(checkpoint);
        }
        if (!root.equals(source.getParent())) {
            return Optional.empty();
        }
        Optional<Path> older = findCheckpoint();
        if (older.isPresent()) {
            retire(older.get());
        }
        String name = source.getFileName().toString();
        Files.move(source, checkpoint, StandardCopyOption.ATOMIC_MOVE);
        FileSync.syncDirectory(root);
        Files.deleteIfExists(checkpoint.resolve(DumpManifest.FILE_NAME));
        removeCurrentIfNamed(name);
        return Optional.of(checkpoint);
    }

    /** Creates an empty {@code checkpoint.partial} directory, removing one a failed attempt left. */
    public Path createCheckpointPartial() throws IOException {
        Path partial = root.resolve(CHECKPOINT_PARTIAL);
        deleteTree(partial);
        Files.createDirectory(partial);
        return partial;
    }

    /**
     * Publishes a complete, synced {@code checkpoint.partial} as the checkpoint, then retires the
     * current dump, which the checkpoint supersedes.
     *
     * @return the checkpoint directory
     */
    public Path establishCheckpoint(Path partial) throws IOException {
        Path checkpoint = root.resolve(CHECKPOINT);
        Files.move(partial, checkpoint, StandardCopyOption.ATOMIC_MOVE);
        FileSync.syncDirectory(root);
        retireCurrentDump();
        return checkpoint;
    }

    /**
     * Retires the dump CURRENT names, if any: once a checkpoint exists or was replayed, that dump
     * is older than what the spool holds and must never be replayed on its own again.
     */
    public void retireCurrentDump() throws IOException {
        Optional<String> current = readCurrentName();
        if (current.isPresent() && Files.isDirectory(root.resolve(current.get()))) {
            retire(root.resolve(current.get()));
        }
    }

    private void removeCurrentIfNamed(String name) throws IOException {
        if (readCurrentName().filter(name::equals).isPresent()) {
            Files.deleteIfExists(root.resolve(CURRENT));
            FileSync.syncDirectory(root);
        }
    }

    /** Deletes a directory and everything in it; a missing directory is not an error. */
    public static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
