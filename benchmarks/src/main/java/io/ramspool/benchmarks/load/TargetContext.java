package io.ramspool.benchmarks.load;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * What every target of a run shares: the relay archive (whose {@code lib/} also runs stock
 * James), the sink's port, the delivery threads of the James targets, the heap of every JVM
 * target, and the JIT choice of the ramspool relay ({@code auto}, {@code c1} or {@code tiered}).
 */
record TargetContext(Path relayHome, int sinkPort, int deliveryThreads, String heap, String ramspoolJit) {
    /** {@code java} of the running JDK and the heap options. */
    List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(heapOptions());
        command.add("-XX:+ExitOnOutOfMemoryError");
        return command;
    }

    List<String> heapOptions() {
        return List.of("-Xms" + heap, "-Xmx" + heap);
    }

    /**
     * The ramspool relay's JVM options: the heap, and the JIT options bin/start.sh picks for
     * {@code RAMSPOOL_JIT} (auto: C1 only on two CPUs or fewer), so that the relay runs as shipped.
     */
    List<String> ramspoolOptions() {
        List<String> options = new ArrayList<>(heapOptions());
        if (resolvedRamspoolJit().equals("c1")) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        return options;
    }

    /** {@code c1} or {@code tiered}. */
    String resolvedRamspoolJit() {
        switch (ramspoolJit) {
            case "auto":
                return Runtime.getRuntime().availableProcessors() <= 2 ? "c1" : "tiered";
            case "c1":
            case "tiered":
                return ramspoolJit;
            default:
                throw new IllegalArgumentException("--ramspool-jit must be auto, c1 or tiered, not " + ramspoolJit);
        }
    }

    Path lib() {
        return relayHome.resolve("lib");
    }
}
