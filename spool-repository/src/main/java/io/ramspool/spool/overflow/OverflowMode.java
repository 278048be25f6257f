package io.ramspool.spool.overflow;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the relay does with new mail once the RAM spool is above its high watermark. */
public enum OverflowMode {
    /** Refuse it: {@code 452 4.3.1} at RCPT, so that senders keep it or use a backup MX. */
    REJECT,
    /** Take it into a durable directory on disk and move it back to the RAM spool as room returns. */
    DISK;

    /** Parses a configuration value, case-insensitively; names the valid values on error. */
    public static OverflowMode parse(String key, String value) {
        for (OverflowMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("bad value for " + key + ": '" + value + "', expected one of "
            + Arrays.stream(values()).map(mode -> mode.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
    }
}
