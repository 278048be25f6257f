package io.ramspool.spool;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Whether the store syncs each write to the device before acknowledging it. */
public enum Durability {
    /** No fsync: a RAM disk outlives the JVM, not the machine. The edge relay's mode. */
    RAMDISK,
    /** fsync of the entry file and its directory before a write returns. The retry host's mode. */
    DURABLE;

    /** Parses a configuration value, case-insensitively; names the valid values on error. */
    public static Durability parse(String value) {
        for (Durability durability : values()) {
            if (durability.name().equalsIgnoreCase(value.trim())) {
                return durability;
            }
        }
        throw new IllegalArgumentException("unknown durability '" + value + "', expected one of "
            + Arrays.stream(values()).map(d -> d.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
