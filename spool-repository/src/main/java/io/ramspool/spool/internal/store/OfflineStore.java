package io.ramspool.spool.internal.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.google.common.collect.ImmutableList;

/**
 * Read-only access to a store directory that no server has open, for the offline tools: lists
 * areas and entry files, reads and verifies entries, and changes nothing (unlike
 * {@link SpoolStore#open}, which runs the recovery scan). Holds the store's lock from
 * {@link #lock} until {@link #close}, so a server cannot start on the directory meanwhile.
 *
 * <p>Not thread-safe; one tool command uses one instance.
 */
public final class OfflineStore implements Closeable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private OfflineStore(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the existing store directory {@code root}.
     *
     * @throws StoreLockedException when a server or another tool holds the directory
     * @throws StoreException when the directory does not exist or cannot be locked
     */
    public static OfflineStore lock(Path root) throws StoreException {
        Path normalized = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(normalized)) {
            throw new StoreException("spool directory " + normalized + " does not exist");
        }
        FileChannel channel = SpoolStore.openLockChannel(normalized);
        return new OfflineStore(normalized, channel, SpoolStore.acquireLock(normalized, channel));
    }

    public Path getRoot() {
        return root;
    }

    /** Every area that has a directory, queues first, each kind sorted by name. */
    public List<AreaId> listAreas() throws StoreException {
        List<AreaId> areas = new ArrayList<>();
        for (AreaId.Kind kind : AreaId.Kind.values()) {
            Path kindDirectory = root.resolve(kind.getDirectoryName());
            if (!Files.isDirectory(kindDirectory)) {
                continue;
            }
            List<AreaId> ofKind = new ArrayList<>();
            try (DirectoryStream<Path> directories = Files.newDirectoryStream(kindDirectory, Files::isDirectory)) {
                for (Path directory : directories) {
                    ofKind.add(AreaId.fromDirectory(kind.getDirectoryName(), directory.getFileName().toString()));
                }
            } catch (IOException e) {
                throw new StoreException("cannot list " + kindDirectory + ": " + e, e);
            }
            ofKind.sort(Comparator.comparing(AreaId::getName));
            areas.addAll(ofKind);
        }
        return ImmutableList.copyOf(areas);
    }

    /** The committed entry files of {@code area}, in sequence order. */
    public List<Path> listEntryFiles(AreaId area) throws StoreException {
        return SpoolStore.listEntryFiles(areaDirectory(area));
    }

    public Path areaDirectory(AreaId area) {
        return root.resolve(area.getKind().getDirectoryName()).resolve(area.encodedName());
    }

    /** Reads an entry's header, checking the file's structure but not its checksum. */
    public SpoolEntry read(AreaId area, Path file) throws IOException {
        return EntryFile.read(area, file);
    }

    /** Checks structure and checksum; throws {@link CorruptEntryException} naming the problem. */
    public SpoolEntry verify(AreaId area, Path file) throws IOException {
        return verifyFile(area, file);
    }

    /**
     * Checks the structure and checksum of any entry file, for example one in a dump, without a
     * lock; throws {@link CorruptEntryException} naming the problem.
     */
    public static SpoolEntry verifyFile(AreaId area, Path file) throws IOException {
        SpoolEntry entry = EntryFile.read(area, file);
        EntryFile.verifyChecksum(file);
        return entry;
    }

    /** Number of entry files under the quarantine directory. */
    public long countQuarantinedEntries() throws StoreException {
        Path quarantine = root.resolve(SpoolStore.QUARANTINE_DIRECTORY);
        if (!Files.isDirectory(quarantine)) {
            return 0;
        }
        try (var walk = Files.walk(quarantine)) {
            return walk.filter(path -> path.getFileName().toString().endsWith(SpoolStore.ENTRY_SUFFIX)).count();
        } catch (IOException e) {
            throw new StoreException("cannot list spool quarantine " + quarantine + ": " + e, e);
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
