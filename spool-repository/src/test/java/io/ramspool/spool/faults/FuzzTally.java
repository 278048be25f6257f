package io.ramspool.spool.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Sums what the tries of one fuzz property saw, and writes it as a row of this module's
 * {@code target/fault-results.md} in the fault suite's columns: every entry file is "sent" and
 * "acknowledged" (the store had committed it), intact ones kept are "delivered", quarantined ones
 * "refused" (set aside and counted), and any that is neither kept nor quarantined is "lost".
 */
final class FuzzTally {
    private static final Path TABLE = Paths.get("target", "fault-results.md");
    private static boolean started;

    private final String scenario;
    private int tries;
    private int entries;
    private int kept;
    private int quarantined;
    private int vanished;

    FuzzTally(String scenario) {
        this.scenario = scenario;
    }

    synchronized void add(int triedEntries, int keptEntries, int quarantinedEntries, int vanishedEntries) {
        tries++;
        entries += triedEntries;
        kept += keptEntries;
        quarantined += quarantinedEntries;
        vanished += vanishedEntries;
    }

    synchronized void record() throws IOException {
        if (tries == 0) {
            return;
        }
        String row = "| " + String.join(" | ", scenario, String.valueOf(entries), String.valueOf(entries),
            String.valueOf(kept), "0", String.valueOf(quarantined), String.valueOf(vanished), "0", "0",
            tries + " tries; refused = damaged entries quarantined with a reason") + " |";
        System.out.println("FAULT " + row);
        writeRow(row);
    }

    private static synchronized void writeRow(String row) throws IOException {
        Files.createDirectories(TABLE.getParent());
        if (!started) {
            Files.writeString(TABLE, "Fault suite (spool files), " + Instant.now() + "\n\n| scenario | sent"
                + " | acknowledged | delivered | bounced | refused | lost | duplicates | unanswered | note |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n", StandardCharsets.UTF_8);
            started = true;
        }
        Files.writeString(TABLE, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
