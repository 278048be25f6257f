package io.ramspool.tools;

import java.io.PrintStream;

import io.ramspool.spool.dump.ProgressListener;

/** Prints "verb: N entries" on standard error at most once a second, so long runs show they are alive. */
final class ProgressPrinter implements ProgressListener {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final String verb;
    private final boolean quiet;
    private final PrintStream err = System.err;
    private long lastPrinted = System.nanoTime();

    ProgressPrinter(String verb, boolean quiet) {
        this.verb = verb;
        this.quiet = quiet;
    }

    @Override
    public void processed(long entries) {
        long now = System.nanoTime();
        if (!quiet && now - lastPrinted >= INTERVAL_NANOS) {
            lastPrinted = now;
            err.println(verb + ": " + entries + " entries");
        }
    }
}
