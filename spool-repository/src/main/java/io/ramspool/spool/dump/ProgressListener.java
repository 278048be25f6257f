package io.ramspool.spool.dump;

/**
 * Told how many entries a dump, reload or verification has processed so far, for the
 * command-line tool's progress line. Called from the working thread; must be cheap.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = entries -> { };

    void processed(long entries);
}
