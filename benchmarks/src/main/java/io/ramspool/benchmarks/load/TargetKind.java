package io.ramspool.benchmarks.load;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The servers the load harness can measure, by the label used in options, CSV and charts. */
public enum TargetKind {
    RAMSPOOL("ramspool", "ramspool edge relay: RAM spool on /dev/shm, OneShotRemoteDelivery"),
    STOCK_MEMORY("stock-memory", "James 3.8.1 MemoryJamesServerMain: memory queue, RemoteDelivery to a gateway"),
    STOCK_ACTIVEMQ("stock-activemq", "James 3.8.1: ActiveMQ/KahaDB queue on disk, RemoteDelivery to a gateway"),
    POSTFIX_TMPFS("postfix-tmpfs", "Postfix (Debian package): queue_directory on /dev/shm, relayhost"),
    POSTFIX_DISK("postfix-disk", "Postfix (Debian package): queue_directory on disk, relayhost");

    private final String label;
    private final String description;

    TargetKind(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String getLabel() {
        return label;
    }

    public String getDescription() {
        return description;
    }

    /** @throws IllegalArgumentException naming the known labels when {@code label} is none of them */
    public static TargetKind byLabel(String label) {
        return Arrays.stream(values())
            .filter(kind -> kind.label.equals(label))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown target '" + label + "'; known: "
                + Arrays.stream(values()).map(TargetKind::getLabel).collect(Collectors.joining(", "))));
    }
}
