package io.ramspool.distribution;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/** A James server in a JVM of its own, started from a working directory, for restart and crash tests. */
public final class ServerProcess implements AutoCloseable {
    public static final String RELAY_MAIN = "io.ramspool.distribution.RamspoolRelayMain";
    public static final String STOCK_MEMORY_MAIN = "org.apache.james.MemoryJamesServerMain";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path output;
    /** Size of logs/james.log when this process started: earlier runs in the same directory wrote what is before. */
    private final long logOffset;

    private ServerProcess(Process process, Path output, long logOffset) {
        this.process = process;
        this.output = output;
        this.logOffset = logOffset;
    }

    /** Starts our launcher with this test's classpath. */
    public static ServerProcess startRelay(Path workingDirectory) {
        return start(workingDirectory, RELAY_MAIN, System.getProperty("java.class.path"));
    }

    /** Starts James's own memory server, on a classpath without any ramspool classes. */
    static ServerProcess startStockMemoryServer(Path workingDirectory) {
        String classpath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(Predicate.not(ServerProcess::isRamspoolEntry))
            .collect(Collectors.joining(File.pathSeparator));
        return start(workingDirectory, STOCK_MEMORY_MAIN, classpath);
    }

    static boolean isRamspoolEntry(String classpathEntry) {
        return classpathEntry.contains("ramspool") || classpathEntry.contains("/spool-repository/")
            || classpathEntry.contains("/mailets/target/") || classpathEntry.contains("/distribution/target/");
    }

    private static ServerProcess start(Path workingDirectory, String mainClass, String classpath) {
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Dworking.directory=" + workingDirectory,
            "-Dlogback.configurationFile=" + workingDirectory.resolve("conf/logback.xml"),
            "-Dramspool.log.dir=" + workingDirectory.resolve("logs"),
            "-cp", classpath, mainClass));
        Path output = workingDirectory.resolve("console-" + System.nanoTime() + ".log");
        try {
            Path log = workingDirectory.resolve("logs/james.log");
            long logOffset = Files.exists(log) ? Files.size(log) : 0;
            Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            return new ServerProcess(process, output, logOffset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the server's log says it started; fails with the log tail when it exits first. */
    public ServerProcess awaitStarted(Path workingDirectory, String startedLine) {
        Path log = workingDirectory.resolve("logs/james.log");
        Awaitility.await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + ": " + getOutput()
                    + "\nlog tail: " + tail(log));
            }
            return Files.exists(log) && logOfThisRun(log).contains(startedLine);
        });
        return this;
    }

    /** What this process wrote to the log, so that a restart in the same directory waits for its own line. */
    private String logOfThisRun(Path log) throws IOException {
        byte[] content = Files.readAllBytes(log);
        int from = (int) Math.min(logOffset, content.length);
        return new String(content, from, content.length - from, StandardCharsets.UTF_8);
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        String content = Files.readString(log);
        return content.substring(Math.max(0, content.length() - 4000));
    }

    /** Sends SIGTERM and waits for the JVM to finish its shutdown hooks. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    /** Sends SIGKILL: no shutdown hook, no clean close of the spool. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    public int waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("server did not exit within 60 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the server", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long getPid() {
        return process.pid();
    }

    public String getOutput() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }
}
