package io.ramspool.spool.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a main class of the test classpath, so that a test can kill it
 * (SIGKILL) or cap its heap. Its standard output is read line by line; its standard error goes
 * to a file so that a failing child can be diagnosed.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader output;
    private final Path errorLog;

    private ChildJvm(Process process, Path errorLog) {
        this.process = process;
        this.errorLog = errorLog;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    public static ChildJvm start(Class<?> mainClass, List<String> jvmOptions, Path errorLog, String... arguments)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
            .redirectError(errorLog.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
        return new ChildJvm(process, errorLog);
    }

    /** The next line of the child's output, or empty at its end. */
    public Optional<String> readLine() throws IOException {
        return Optional.ofNullable(output.readLine());
    }

    /** Sends SIGKILL: the JVM gets no chance to run shutdown hooks or finish a write. */
    public void kill() throws InterruptedException {
        // The process handle only signals; Process.destroyForcibly would also close the output
        // pipe, and lines the child wrote just before dying could no longer be read.
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child JVM did not exit within " + timeout + ", see " + errorLog);
        }
        return process.exitValue();
    }

    public Path getErrorLog() {
        return errorLog;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
