package io.ramspool.distribution.faults;

import java.time.Duration;

/**
 * Quick or full fault runs. The quick subset (small counts, short outages) runs in every build;
 * {@code -Dramspool.faults=full} runs the same scenarios with bigger loads and outages of minutes.
 */
public final class FaultMode {
    public static final String PROPERTY = "ramspool.faults";
    public static final String FULL = "full";

    private FaultMode() {
    }

    public static boolean isFull() {
        return FULL.equalsIgnoreCase(System.getProperty(PROPERTY, "quick").trim());
    }

    public static String name() {
        return isFull() ? "full" : "quick";
    }

    public static int pick(int quick, int full) {
        return isFull() ? full : quick;
    }

    public static Duration pick(Duration quick, Duration full) {
        return isFull() ? full : quick;
    }
}
