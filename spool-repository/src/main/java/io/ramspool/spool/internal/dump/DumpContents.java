package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import io.ramspool.spool.internal.store.AreaId;

/**
 * What a dump directory holds: its manifest when it can be trusted, and the union of the files
 * the manifest lists and the files actually present, so that a reload or a verification visits
 * every file exactly once: listed and present, listed and missing, present and unlisted.
 *
 * <p>A checkpoint ({@link DumpDirectory#isCheckpoint}) has no manifest by design: its files are
 * the ones present, each checked against its own checksum, and the temporary files of copies a
 * crash interrupted are left out.
 */
final class DumpContents {
    static final String QUARANTINE = "quarantine";
    static final String TEMPORARY_PREFIX = ".tmp-";
    private static final Logger LOGGER = LoggerFactory.getLogger(DumpContents.class);
    private static final int BUFFER_SIZE = 256 * 1024;

    /** What kind of file a dump path is. */
    enum FileKind { ENTRY, QUARANTINE, UNEXPECTED }

    private final Path dump;
    private final Optional<String> manifestProblem;
    private final Map<String, DumpManifest.Entry> listed;
    private final List<String> paths;
    private final boolean checkpoint;

    private DumpContents(Path dump, Optional<String> manifestProblem, Map<String, DumpManifest.Entry> listed,
                         List<String> paths, boolean checkpoint) {
        this.dump = dump;
        this.manifestProblem = manifestProblem;
        this.listed = listed;
        this.paths = paths;
        this.checkpoint = checkpoint;
    }

    /** Reads the manifest (a problem with it is kept, not thrown) and lists the dump's files. */
    static DumpContents read(Path dump) throws DumpException {
        if (DumpDirectory.isCheckpoint(dump)) {
            return readCheckpoint(dump);
        }
        Optional<String> problem = Optional.empty();
        Map<String, DumpManifest.Entry> listed = ImmutableMap.of();
        try {
            listed = DumpManifest.read(dump.resolve(DumpManifest.FILE_NAME)).getFilesByPath();
        } catch (CorruptManifestException e) {
            problem = Optional.of(e.getMessage());
            LOGGER.warn("Dump manifest unusable, checking each entry against its own checksum instead dump={}"
                + " problem={}", dump, e.getMessage());
        } catch (IOException e) {
            throw new DumpException("cannot read the manifest of dump " + dump + ": " + e, e);
        }
        Set<String> paths = new LinkedHashSet<>(listed.keySet());
        paths.addAll(listPresent(dump, false));
        return new DumpContents(dump, problem, listed, ImmutableList.copyOf(paths), false);
    }

    private static DumpContents readCheckpoint(Path checkpoint) throws DumpException {
        return new DumpContents(checkpoint, Optional.empty(), ImmutableMap.of(),
            ImmutableList.copyOf(listPresent(checkpoint, true)), true);
    }

    private static List<String> listPresent(Path dump, boolean skipTemporary) throws DumpException {
        try (Stream<Path> walk = Files.walk(dump)) {
            List<String> present = new ArrayList<>();
            walk.filter(Files::isRegularFile)
                .filter(path -> !skipTemporary || !path.getFileName().toString().startsWith(TEMPORARY_PREFIX))
                .map(path -> dump.relativize(path).toString().replace('\\', '/'))
                .filter(relative -> !relative.equals(DumpManifest.FILE_NAME))
                .sorted()
                .forEach(present::add);
            return present;
        } catch (IOException | UncheckedIOException e) {
            throw new DumpException("cannot list dump " + dump + ": " + e, e);
        }
    }

    Path getDump() {
        return dump;
    }

    Optional<String> getManifestProblem() {
        return manifestProblem;
    }

    /** Every path to visit: the manifest's in its order, then unlisted files in name order. */
    List<String> getPaths() {
        return paths;
    }

    Optional<DumpManifest.Entry> getListed(String path) {
        return Optional.ofNullable(listed.get(path));
    }

    /** True when the manifest was usable and does not list {@code path}; never for a checkpoint, which has none. */
    boolean isUnlisted(String path) {
        return !checkpoint && manifestProblem.isEmpty() && !listed.containsKey(path);
    }

    static FileKind kindOf(String path) {
        String[] parts = path.split("/");
        if (parts[0].equals(QUARANTINE) && parts.length > 1) {
            return FileKind.QUARANTINE;
        }
        boolean areaKind = parts[0].equals(AreaId.Kind.QUEUE.getDirectoryName())
            || parts[0].equals(AreaId.Kind.REPOSITORY.getDirectoryName());
        if (areaKind && parts.length == 3 && parts[2].endsWith(".msg")) {
            return FileKind.ENTRY;
        }
        return FileKind.UNEXPECTED;
    }

    /** The area of an ENTRY path; throws IllegalArgumentException for an undecodable directory name. */
    static AreaId areaOf(String path) {
        String[] parts = path.split("/");
        return AreaId.fromDirectory(parts[0], parts[1]);
    }

    /**
     * Compares a present file with its manifest line: size first (cheap, catches truncation), then
     * the CRC32C of all its bytes. Returns the mismatch, naming both values, or empty.
     */
    static Optional<String> checkAgainstManifest(Path file, DumpManifest.Entry expected) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != expected.size()) {
                return Optional.of("size mismatch: manifest says " + expected.size() + " bytes, file has " + size
                    + (size < expected.size() ? " (truncated)" : ""));
            }
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
            long position = 0;
            while (position < size) {
                buffer.clear();
                int read = channel.read(buffer, position);
                if (read < 0) {
                    break;
                }
                crc.update(buffer.array(), 0, read);
                position += read;
            }
            int computed = (int) crc.getValue();
            if (computed != expected.crc32c()) {
                return Optional.of(String.format("CRC32C mismatch: manifest says %08x, computed %08x",
                    expected.crc32c(), computed));
            }
            return Optional.empty();
        }
    }
}
