package io.ramspool.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.ramspool.spool.internal.store.StoreException;

/** Small formatting and checking helpers shared by the commands. */
final class Outputs {
    private Outputs() {
    }

    /** Commands that read a spool refuse a missing directory instead of creating an empty one. */
    static void requireSpoolDirectory(Path root) throws StoreException {
        if (!Files.isDirectory(root)) {
            throw new StoreException("spool directory " + root + " does not exist");
        }
    }

    static String time(long epochMillis) {
        if (epochMillis == Long.MAX_VALUE || epochMillis == Long.MIN_VALUE) {
            return "-";
        }
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
