package io.ramspool.benchmarks.relay;

import java.util.Arrays;
import java.util.List;

/**
 * What one {@link SmtpLoadClient#send} achieved: per mail the {@link System#nanoTime()} at which
 * the server's 250 to the end of DATA was read (0 when the mail was refused or never sent), the
 * counts, and one line per SMTP session that broke off.
 */
public final class SendReport {
    private final long[] acceptedNanos;
    private final int accepted;
    private final List<String> sessionErrors;

    SendReport(long[] acceptedNanos, List<String> sessionErrors) {
        this.acceptedNanos = acceptedNanos;
        this.accepted = (int) Arrays.stream(acceptedNanos).filter(nanos -> nanos != 0).count();
        this.sessionErrors = List.copyOf(sessionErrors);
    }

    /** When mail {@code sequence} was accepted, 0 if it was not. */
    public long getAcceptedNanos(int sequence) {
        return acceptedNanos[sequence];
    }

    public int getAttempted() {
        return acceptedNanos.length;
    }

    public int getAccepted() {
        return accepted;
    }

    /** Mails refused by the server or not sent because their session broke off. */
    public int getRefused() {
        return acceptedNanos.length - accepted;
    }

    /** {@link System#nanoTime()} of the last 250 to an end of DATA, 0 when none was accepted. */
    public long getLastAcceptedNanos() {
        return Arrays.stream(acceptedNanos).max().orElse(0);
    }

    public List<String> getSessionErrors() {
        return sessionErrors;
    }
}
