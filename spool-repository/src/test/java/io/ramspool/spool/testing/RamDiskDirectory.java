package io.ramspool.spool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A fresh directory on the machine's RAM disk ({@code /dev/shm}), removed with its content by
 * {@link #delete()}. Falls back to the temporary directory where there is no {@code /dev/shm}.
 */
public final class RamDiskDirectory {
    private static final Path RAM_DISK = Paths.get("/dev/shm");

    private final Path path;

    private RamDiskDirectory(Path path) {
        this.path = path;
    }

    public static RamDiskDirectory create(String purpose) {
        Path base = Files.isDirectory(RAM_DISK) ? RAM_DISK : Paths.get(System.getProperty("java.io.tmpdir"));
        Path path = base.resolve("ramspool-test-" + purpose + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RamDiskDirectory(path);
    }

    public Path getPath() {
        return path;
    }

    public void delete() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(RamDiskDirectory::deleteOne);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteOne(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
