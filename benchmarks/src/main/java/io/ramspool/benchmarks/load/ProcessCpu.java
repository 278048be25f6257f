package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time used by a process and all its descendants, from {@code /proc/PID/stat}: user and
 * system time of every live process of the tree, plus the time of children that exited and were
 * reaped (a parent's cutime and cstime), so a Postfix daemon that retires after 100 mails still
 * counts. Linux only; in clock ticks of 1/100 s, the fixed USER_HZ of /proc.
 */
final class ProcessCpu {
    static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** Ticks used so far by {@code root} and its descendants; empty when /proc cannot be read. */
    static Optional<Long> treeTicks(long root) {
        Map<Long, Stat> stats = readAll();
        if (!stats.containsKey(root)) {
            return Optional.empty();
        }
        long ticks = 0;
        Deque<Long> pending = new ArrayDeque<>(List.of(root));
        while (!pending.isEmpty()) {
            long pid = pending.pop();
            ticks += stats.get(pid).ticks();
            stats.forEach((child, stat) -> {
                if (stat.parent() == pid) {
                    pending.push(child);
                }
            });
        }
        return Optional.of(ticks);
    }

    private static Map<Long, Stat> readAll() {
        Map<Long, Stat> stats = new HashMap<>();
        try (Stream<Path> processes = Files.list(Paths.get("/proc"))) {
            processes.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                .forEach(path -> read(path).ifPresent(stat -> stats.put(
                    Long.parseLong(path.getFileName().toString()), stat)));
        } catch (IOException e) {
            return Map.of();
        }
        return stats;
    }

    /** One {@code stat} line; empty when the process ended while being read. */
    private static Optional<Stat> read(Path process) {
        try {
            String line = Files.readString(process.resolve("stat"), StandardCharsets.US_ASCII);
            return Optional.of(parse(line));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The fields after the command name (which is in parentheses and may hold spaces): state,
     * ppid, ..., then utime, stime, cutime and cstime as the 12th to 15th of them.
     */
    static Stat parse(String line) {
        String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
            + Long.parseLong(fields[14]);
        return new Stat(Long.parseLong(fields[1]), ticks);
    }

    /** A process's parent and the ticks charged to it (its own and its reaped children's). */
    record Stat(long parent, long ticks) {
    }
}
