package io.ramspool.benchmarks.load;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * What every target of a run shares: the relay archive (whose {@code lib/} also runs stock
 * James), the sink's port, the delivery threads of the James targets and the heap of every JVM
 * target.
 */
record TargetContext(Path relayHome, int sinkPort, int deliveryThreads, String heap) {
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

    Path lib() {
        return relayHome.resolve("lib");
    }
}
