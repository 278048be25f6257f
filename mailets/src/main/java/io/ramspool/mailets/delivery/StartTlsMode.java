package io.ramspool.mailets.delivery;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How STARTTLS is used on outgoing connections.
 */
public enum StartTlsMode {
    /** Upgrade when the server offers STARTTLS, send in clear text otherwise. */
    OPPORTUNISTIC,
    /** Upgrade or give up on the host: a server without STARTTLS counts as a temporary host failure. */
    REQUIRED,
    /** Never upgrade. */
    OFF;

    public static Optional<StartTlsMode> parse(String value) {
        return Arrays.stream(values())
            .filter(mode -> mode.asParameter().equals(value.trim().toLowerCase(Locale.ROOT)))
            .findFirst();
    }

    public String asParameter() {
        return name().toLowerCase(Locale.ROOT);
    }
}
