package io.ramspool.mailets.delivery;

import java.util.Locale;

/**
 * Where a recipient of a mail ended up after one delivery pass. Each recipient has exactly one outcome.
 */
public enum Outcome {
    /** Accepted by one of the domain's own hosts (MX or static route). */
    DIRECT,
    /** Accepted by a fallback gateway. */
    FALLBACK,
    /** Failed permanently; a bounce (DSN) goes to the sender. */
    BOUNCED,
    /** Failed temporarily everywhere; back in the outgoing queue with a delay. */
    DEFERRED,
    /** Sent to the error processor: permanent failure of a null-sender mail, or too old to retry. */
    ERROR;

    public String asLabel() {
        return name().toLowerCase(Locale.ROOT);
    }
}
