package io.ramspool.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.testing.ChildJvm;
import io.ramspool.spool.testing.FillAndDrain;
import io.ramspool.spool.testing.RamDiskDirectory;

/**
 * Bodies live on the RAM disk, not in the heap: 50,000 queued mails of 10 KiB (about 500 MB of
 * spool) are enqueued, reloaded by a fresh JVM and drained, each JVM capped at {@code -Xmx256m}.
 */
@Tag("slow")
class RamSpoolHeapIntegrationTest {
    private static final Logger LOGGER = LoggerFactory.getLogger(RamSpoolHeapIntegrationTest.class);
    private static final int MAILS = 50_000;
    private static final int BODY_BYTES = 10 * 1024;
    private static final List<String> SMALL_HEAP = List.of("-Xmx256m", "-XX:+UseSerialGC",
        "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");

    @TempDir
    Path logs;
    private RamDiskDirectory directory;

    @BeforeEach
    void setUp() {
        directory = RamDiskDirectory.create("heap");
    }

    @AfterEach
    void tearDown() {
        directory.delete();
    }

    @Test
    void fiftyThousandQueuedMailsShouldFitInA256MegabyteHeap() throws Exception {
        List<String> filled = runPhase("fill");
        List<String> drained = runPhase("drain");

        assertThat(filled.get(0)).startsWith("FILLED " + MAILS + " ");
        assertThat(drained.get(0)).startsWith("OPENED " + MAILS + " ");
        assertThat(drained.get(1)).startsWith("DRAINED " + MAILS + " ");
        assertThat(spoolBytes()).isZero();
        LOGGER.info("Heap after fill={} after reload={} after drain={}", heapOf(filled.get(0)),
            heapOf(drained.get(0)), heapOf(drained.get(1)));
    }

    private List<String> runPhase(String phase) throws Exception {
        try (ChildJvm child = ChildJvm.start(FillAndDrain.class, SMALL_HEAP, logs.resolve(phase + ".log"), phase,
                directory.getPath().toString(), String.valueOf(MAILS), String.valueOf(BODY_BYTES))) {
            List<String> lines = new ArrayList<>();
            for (Optional<String> line = child.readLine(); line.isPresent(); line = child.readLine()) {
                if (line.get().matches("(FILLED|OPENED|DRAINED) .*")) {
                    lines.add(line.get());
                }
            }
            int exitCode = child.awaitExit(Duration.ofMinutes(5));
            assertThat(exitCode).as("%s exit code, log: %s", phase, Files.readString(child.getErrorLog()))
                .isZero();
            return lines;
        }
    }

    private long spoolBytes() throws Exception {
        try (var files = Files.walk(directory.getPath())) {
            return files.filter(path -> path.toString().endsWith(".msg")).count();
        }
    }

    private static String heapOf(String line) {
        long bytes = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        return bytes / (1024 * 1024) + "MiB";
    }
}
