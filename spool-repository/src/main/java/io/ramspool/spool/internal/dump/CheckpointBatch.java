package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of changes to a checkpoint directory. {@link #commit()} copies each new entry to a
 * temporary file ({@value DumpContents#TEMPORARY_PREFIX}{@code <name>}) and fsyncs it, several
 * files at a time on the I/O threads (concurrent fsyncs share the file system's journal commits),
 * then renames them into place and fsyncs each touched directory once; deletions become durable
 * with that same directory fsync. A crash at any point leaves each file either absent, complete
 * under its name, or as a temporary file that a reload ignores.
 *
 * <p>Entry files never change under a given name (a sequence number is never reused), so a file
 * already present in the checkpoint is complete and is not copied again. Not thread-safe.
 */
final class CheckpointBatch {
    private static final Logger LOGGER = LoggerFactory.getLogger(CheckpointBatch.class);

    private final Path root;
    private final ExecutorService io;
    private final List<Copy> copies = new ArrayList<>();
    private final Set<Path> directoriesToSync = new LinkedHashSet<>();
    private long copied;
    private long deleted;
    private long vanished;

    private record Copy(Path source, Path temporary, Path target) {
    }

    CheckpointBatch(Path root, ExecutorService io) {
        this.root = root;
        this.io = io;
    }

    /**
     * Adds a copy of {@code source} to {@code relative} to this round, unless the checkpoint
     * already has that file. A source that is gone by the time {@link #commit()} copies it (the
     * mail was delivered meanwhile, and its deletion is on its way) is skipped and counted.
     */
    void copyIfMissing(Path source, String relative) throws IOException {
        Path target = root.resolve(relative);
        if (Files.exists(target)) {
            return;
        }
        ensureDirectory(target.getParent());
        copies.add(new Copy(source, target.resolveSibling(DumpContents.TEMPORARY_PREFIX + target.getFileName()),
            target));
    }

    /** Deletes the checkpoint's copy of {@code relative}, if it has one. */
    void delete(String relative) throws IOException {
        Path target = root.resolve(relative);
        if (Files.deleteIfExists(target)) {
            deleted++;
            directoriesToSync.add(target.getParent());
        }
    }

    int pendingCopies() {
        return copies.size();
    }

    /** Makes every copy and deletion of this round durable; the batch can then take the next round. */
    void commit() throws IOException {
        List<Future<Boolean>> results = new ArrayList<>(copies.size());
        for (Copy copy : copies) {
            results.add(io.submit(() -> copyAndSync(copy)));
        }
        List<Copy> written = awaitCopies(results);
        for (Copy copy : written) {
            Files.move(copy.temporary(), copy.target(), StandardCopyOption.ATOMIC_MOVE);
            copied++;
        }
        copies.clear();
        for (Path directory : directoriesToSync) {
            FileSync.syncDirectory(directory);
        }
        directoriesToSync.clear();
    }

    private List<Copy> awaitCopies(List<Future<Boolean>> results) throws IOException {
        List<Copy> written = new ArrayList<>(results.size());
        IOException failure = null;
        for (int i = 0; i < results.size(); i++) {
            try {
                if (results.get(i).get()) {
                    written.add(copies.get(i));
                } else {
                    vanished++;
                }
            } catch (ExecutionException e) {
                failure = failure != null ? failure : asIOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IOException("interrupted while copying to " + root, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return written;
    }

    private static IOException asIOException(Throwable cause) {
        return cause instanceof IOException ? (IOException) cause : new IOException(String.valueOf(cause), cause);
    }

    /** Copies and fsyncs one file; false when the source no longer exists. */
    private static boolean copyAndSync(Copy copy) throws IOException {
        FileChannel in;
        try {
            in = FileChannel.open(copy.source(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        try (in; FileChannel out = FileChannel.open(copy.temporary(), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            long size = in.size();
            long position = 0;
            while (position < size) {
                long transferred = in.transferTo(position, size - position, out);
                if (transferred <= 0) {
                    throw new IOException("short copy of " + copy.source() + " to " + copy.temporary() + ": "
                        + position + " of " + size + " bytes");
                }
                position += transferred;
            }
            out.force(true);
        }
        return true;
    }

    /** Removes the temporary files of copies not committed (after a failure). */
    void discard() {
        for (Copy copy : copies) {
            try {
                Files.deleteIfExists(copy.temporary());
            } catch (IOException e) {
                LOGGER.warn("Cannot remove temporary checkpoint file path={}", copy.temporary(), e);
            }
        }
        copies.clear();
        directoriesToSync.clear();
    }

    long getCopied() {
        return copied;
    }

    long getDeleted() {
        return deleted;
    }

    long getVanished() {
        return vanished;
    }

    private void ensureDirectory(Path directory) throws IOException {
        directoriesToSync.add(directory);
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(directory);
        for (Path parent = directory.getParent(); parent != null && parent.startsWith(root);
             parent = parent.getParent()) {
            directoriesToSync.add(parent);
        }
    }
}
