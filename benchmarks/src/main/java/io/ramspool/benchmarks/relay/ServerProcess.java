package io.ramspool.benchmarks.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server started as a child process for one benchmark round: started with its output in a
 * file, considered up once a given line appears in its log, stopped with SIGTERM (SIGKILL after
 * a minute). Used for the ramspool relay, stock James and Postfix alike.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path directory;

    private ServerProcess(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
    }

    /**
     * Runs {@code command} in {@code directory}, its output going to {@code output}, and returns
     * once {@code startLog} contains {@code startedLine}.
     *
     * @throws IllegalStateException when the process exits or does not log the line in time; the
     *     process is stopped then
     */
    public static ServerProcess start(List<String> command, Path directory, Path output, Path startLog,
                                      String startedLine, Duration timeout) {
        ServerProcess server = new ServerProcess(launch(command, directory, output), directory);
        try {
            server.awaitLine(startLog, startedLine, timeout);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Process launch(List<String> command, Path directory, Path output) {
        try {
            return new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0) + " in " + directory, e);
        }
    }

    private void awaitLine(Path log, String line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + "; see " + directory);
            }
            if (contains(log, line)) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException("server did not log '" + line + "' within " + timeout + "; see " + directory);
    }

    private static boolean contains(Path log, String line) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    public long getPid() {
        return process.pid();
    }

    /** Waits up to {@code timeout} for the process to end by itself; true when it has. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then SIGKILL when the process has not ended within a minute. */
    @Override
    public void close() {
        process.destroy();
        if (!awaitExit(STOP_TIMEOUT)) {
            process.destroyForcibly();
            awaitExit(STOP_TIMEOUT);
        }
    }

    /** A port that was free on loopback a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
