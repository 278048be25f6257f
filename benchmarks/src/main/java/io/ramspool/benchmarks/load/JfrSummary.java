package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording says the CPU went: execution samples counted by the method on top of the
 * stack (self time), by component (the package of the first non-JDK frame from the top), by
 * thread, and for ramspool's and James's methods also inclusively (once per sample wherever they
 * are on the stack); plus the CPU load of the JVM against the machine's, GC pauses and the top
 * allocation sites. Counts, not times: with JFR's "profile" settings a running Java thread is
 * sampled about every 10 ms.
 */
final class JfrSummary {
    private static final int TOP = 25;
    private static final List<String> JDK_PREFIXES = List.of("java.", "jdk.", "sun.");
    /** Code whose methods the inclusive list shows: ramspool's and James's, not the plumbing between. */
    private static final List<String> OWN_PREFIXES = List.of("io.ramspool.", "org.apache.james.");

    private final Map<String, Long> selfSamples = new HashMap<>();
    private final Map<String, Long> inclusiveSamples = new HashMap<>();
    private final Map<String, Long> componentSamples = new HashMap<>();
    private final Map<String, Long> libraryCallers = new HashMap<>();
    private final Map<String, Long> threadSamples = new HashMap<>();
    private final Map<String, Long> allocationWeights = new HashMap<>();
    private long samples;
    private long gcPauses;
    private Duration gcPauseTotal = Duration.ZERO;
    private double jvmCpuSum;
    private double machineCpuSum;
    private long cpuLoadEvents;

    /** Reads {@code recording} and returns the summary as text. */
    static String summarise(Path recording) {
        JfrSummary summary = new JfrSummary();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                summary.accept(file.readEvent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read flight recording " + recording, e);
        }
        return summary.format(recording);
    }

    private void accept(RecordedEvent event) {
        switch (event.getEventType().getName()) {
            case "jdk.ExecutionSample" -> acceptSample(event);
            case "jdk.CPULoad" -> acceptCpuLoad(event);
            case "jdk.GarbageCollection" -> {
                gcPauses++;
                gcPauseTotal = gcPauseTotal.plus(event.getDuration("sumOfPauses"));
            }
            case "jdk.ObjectAllocationSample" -> topFrame(event.getStackTrace())
                .ifPresent(method -> allocationWeights.merge(method, event.getLong("weight"), Long::sum));
            default -> {
            }
        }
    }

    private void acceptSample(RecordedEvent event) {
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        selfSamples.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        frames.stream()
            .filter(JfrSummary::isOwn)
            .forEach(frame -> seen.add(name(frame.getMethod())));
        seen.forEach(method -> inclusiveSamples.merge(method, 1L, Long::sum));
        String component = component(frames);
        componentSamples.merge(component, 1L, Long::sum);
        if (OWN_PREFIXES.stream().noneMatch(prefix -> component.startsWith(prefix.substring(0, prefix.length() - 1)))) {
            libraryCallers.merge(component + "  <-  " + firstOwnFrame(frames), 1L, Long::sum);
        }
        String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
        threadSamples.merge(threadGroup(thread), 1L, Long::sum);
    }

    private void acceptCpuLoad(RecordedEvent event) {
        jvmCpuSum += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
        machineCpuSum += event.getFloat("machineTotal");
        cpuLoadEvents++;
    }

    private static Optional<String> topFrame(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(name(stack.getFrames().get(0).getMethod()));
    }

    private static String name(RecordedMethod method) {
        String type = method.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName() + "  (" + packageOf(type) + ")";
    }

    private static String packageOf(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "" : type.substring(0, dot);
    }

    /**
     * The package (its first four parts) of the first frame from the top that is not JDK code:
     * the library or component that asked for the work, even when a JDK method did it.
     */
    static String component(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (JDK_PREFIXES.stream().noneMatch(type::startsWith)) {
                return firstParts(packageOf(type), 4);
            }
        }
        return "JDK only: " + firstParts(packageOf(frames.get(0).getMethod().getType().getName()), 3);
    }

    private static String firstParts(String packageName, int count) {
        String[] parts = packageName.split("\\.");
        return String.join(".", Arrays.copyOf(parts, Math.min(count, parts.length)));
    }

    /** The ramspool or James method nearest the top of the stack: who asked a library for the work. */
    private static String firstOwnFrame(List<RecordedFrame> frames) {
        return frames.stream()
            .filter(JfrSummary::isOwn)
            .findFirst()
            .map(frame -> name(frame.getMethod()))
            .orElse("no ramspool or James frame");
    }

    /** A frame of ramspool's or James's code, lambda shims left out (their names change every run). */
    private static boolean isOwn(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return OWN_PREFIXES.stream().anyMatch(type::startsWith) && !type.contains("$$Lambda");
    }

    /** Thread names without their numbers, so a pool's threads count together. */
    static String threadGroup(String thread) {
        return thread.replaceAll("[0-9]+", "N");
    }

    private String format(Path recording) {
        StringBuilder text = new StringBuilder();
        text.append("Flight recording ").append(recording).append('\n');
        text.append(String.format(Locale.ROOT, "%d execution samples; JVM CPU %.0f %% of the machine on average, "
            + "machine total %.0f %%; %d GC pauses, %d ms in total%n", samples, percent(jvmCpuSum),
            percent(machineCpuSum), gcPauses, gcPauseTotal.toMillis()));
        appendTop(text, "Components (first non-JDK frame from the top)", componentSamples, samples);
        appendTop(text, "Library and JDK work, by the ramspool or James method that asked for it", libraryCallers,
            samples);
        appendTop(text, "Threads", threadSamples, samples);
        appendTop(text, "Hot methods, self (top of stack)", selfSamples, samples);
        appendTop(text, "Hot methods of ramspool and James, inclusive (anywhere on the stack)", inclusiveSamples,
            samples);
        appendTop(text, "Allocation sites (sampled weight)", allocationWeights,
            allocationWeights.values().stream().mapToLong(Long::longValue).sum());
        return text.toString();
    }

    private double percent(double sum) {
        return cpuLoadEvents == 0 ? Double.NaN : 100 * sum / cpuLoadEvents;
    }

    private static void appendTop(StringBuilder text, String title, Map<String, Long> counts, long total) {
        text.append('\n').append(title).append(":\n");
        text.append(counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(TOP)
            .map(entry -> String.format(Locale.ROOT, "  %5.1f %%  %s", 100.0 * entry.getValue() / Math.max(1, total),
                entry.getKey()))
            .collect(Collectors.joining("\n")));
        text.append('\n');
    }
}
