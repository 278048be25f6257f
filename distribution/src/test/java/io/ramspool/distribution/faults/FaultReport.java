package io.ramspool.distribution.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

/**
 * Prints each scenario's line and collects the lines into {@code target/fault-results.md}, which
 * each test JVM starts afresh. Surefire keeps standard output in the test report files; the table
 * is what {@code docs/reliability.md} quotes.
 */
public final class FaultReport {
    public static final Path TABLE = Paths.get("target", "fault-results.md");
    private static final String HEADER = "| scenario | sent | acknowledged | delivered | bounced | refused | lost"
        + " | duplicates | unanswered | note |\n|---|---|---|---|---|---|---|---|---|---|\n";
    private static final String DETAILS_NAME = "fault-details.md";
    private static final Path DETAILS = Paths.get("target", DETAILS_NAME);
    private static boolean started;
    private static boolean detailsStarted;

    private FaultReport() {
    }

    /** Prints {@code counts} and adds its row to the table; returns it for the assertions that follow. */
    public static synchronized FaultCounts record(FaultCounts counts) {
        System.out.println("FAULT " + counts.line());
        try {
            Files.createDirectories(TABLE.getParent());
            if (!started) {
                Files.writeString(TABLE, "Fault suite, " + FaultMode.name() + " mode, " + Instant.now() + "\n\n"
                    + HEADER, StandardCharsets.UTF_8);
                started = true;
            }
            Files.writeString(TABLE, counts.markdownRow() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + TABLE.toAbsolutePath(), e);
        }
        return counts;
    }

    /** Prints what a scenario observed case by case and keeps it in {@value #DETAILS_NAME}. */
    public static synchronized void detail(String title, Map<String, String> observations) {
        StringBuilder text = new StringBuilder("\n### ").append(title).append("\n\n");
        observations.forEach((kind, observed) -> text.append("- ").append(kind).append(": ")
            .append(observed.replace("\n", " ")).append('\n'));
        System.out.print(text);
        try {
            Files.createDirectories(DETAILS.getParent());
            if (!detailsStarted) {
                Files.writeString(DETAILS, "Fault suite details, " + FaultMode.name() + " mode, " + Instant.now()
                    + "\n", StandardCharsets.UTF_8);
                detailsStarted = true;
            }
            Files.writeString(DETAILS, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + DETAILS.toAbsolutePath(), e);
        }
    }
}
