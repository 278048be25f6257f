package io.ramspool.spool.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real, small tmpfs mounted for one test, so that "RAM disk full" is the kernel's ENOSPC and
 * not a simulation. Needs root and a kernel that lets this process mount; {@link #tryMount}
 * says when it cannot.
 */
public final class SmallTmpfs implements AutoCloseable {
    private final Path mountPoint;

    private SmallTmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code size} (mount syntax, e.g. "256k") on a fresh directory, if allowed. */
    public static Optional<SmallTmpfs> tryMount(String size) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        Path mountPoint = Files.createTempDirectory("ramspool-small-tmpfs");
        if (run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString()) != 0) {
            Files.deleteIfExists(mountPoint);
            return Optional.empty();
        }
        return Optional.of(new SmallTmpfs(mountPoint));
    }

    public Path getMountPoint() {
        return mountPoint;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", mountPoint.toString());
        Files.deleteIfExists(mountPoint);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
