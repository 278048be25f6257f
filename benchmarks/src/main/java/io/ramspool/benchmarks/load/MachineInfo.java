package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The conditions of a run, read from /proc and the JVM: when, on how many cores of which CPU,
 * with how much memory and what load, which kernel and JDK, and on which file systems the
 * RAM spool (/dev/shm) and the working directory (disk queues) live. Unreadable values are "?".
 */
record MachineInfo(String time, int processors, String cpuModel, long memoryMiB, String loadAverage,
                   String kernel, String java, String shmFileSystem, String workFileSystem) {

    static MachineInfo capture(Path workDirectory) {
        return new MachineInfo(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemoryMiB(), readLoadAverage(),
            System.getProperty("os.name") + " " + System.getProperty("os.version"),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
            fileSystemOf(Paths.get("/dev/shm")), fileSystemOf(workDirectory));
    }

    /** The 1, 5 and 15 minute load averages, e.g. {@code 0.52 0.61 0.40}. */
    static String readLoadAverage() {
        return read("/proc/loadavg").map(text -> String.join(" ", List.of(text.trim().split("\\s+")).subList(0, 3)))
            .orElse("?");
    }

    private static String readCpuModel() {
        return read("/proc/cpuinfo").flatMap(text -> text.lines()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst())
            .orElse("?");
    }

    private static long readMemoryMiB() {
        return read("/proc/meminfo").flatMap(text -> text.lines()
                .filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024)
                .findFirst())
            .orElse(-1L);
    }

    /** The type and device of the mount that holds {@code path}, e.g. {@code tmpfs (tmpfs)}. */
    static String fileSystemOf(Path path) {
        String absolute = path.toAbsolutePath().normalize().toString();
        return read("/proc/mounts").flatMap(text -> text.lines()
                .map(line -> line.split(" "))
                .filter(fields -> fields.length > 2 && isUnder(absolute, fields[1]))
                .max(Comparator.comparingInt(fields -> fields[1].length()))
                .map(fields -> fields[2] + " (" + fields[0] + " on " + fields[1] + ")"))
            .orElse("?");
    }

    private static boolean isUnder(String path, String mountPoint) {
        return mountPoint.equals("/") || path.equals(mountPoint) || path.startsWith(mountPoint + "/");
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Paths.get(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
