package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording of the measured batch only: started with {@code jcmd PID JFR.start} once the
 * warm-up is done (so start-up and JIT warm-up stay out of it) and stopped, which writes the
 * file, with {@code JFR.stop} before the target is shut down. Uses JFR's "profile" settings, or
 * the settings file named by the system property {@code ramspool.jfr.settings} (for example a
 * copy of profile.jfc sampling every 1 ms instead of 10 ms, for more samples from a short run).
 */
final class FlightRecording implements RoundRunner.MeasureHook {
    private static final String NAME = "ramspool-load";
    private static final String SETTINGS = System.getProperty("ramspool.jfr.settings", "profile");

    private final Path file;

    FlightRecording(Path file) {
        this.file = file;
    }

    Path getFile() {
        return file;
    }

    @Override
    public void beforeMeasure(LoadTarget target) {
        jcmd(target.getPid(), "JFR.start", "name=" + NAME, "settings=" + SETTINGS, "filename=" + file);
    }

    @Override
    public void afterMeasure(LoadTarget target) {
        jcmd(target.getPid(), "JFR.stop", "name=" + NAME);
    }

    private static void jcmd(long pid, String... command) {
        List<String> arguments = new ArrayList<>(List.of(
            Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        arguments.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + String.join(" ", command) + " on pid " + pid
                    + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run jcmd for pid " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }
}
