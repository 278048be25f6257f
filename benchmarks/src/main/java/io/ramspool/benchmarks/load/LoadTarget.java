package io.ramspool.benchmarks.load;

import java.nio.file.Path;

/**
 * One server under load for one round: prepared in a working directory of its own, started,
 * fed over SMTP on loopback, delivering everything to the sink, then stopped and its spool or
 * queue removed.
 */
interface LoadTarget extends AutoCloseable {
    /** Starts the server; returns once it accepts SMTP. */
    void start();

    int getSmtpPort();

    /** The process id of the server (for Postfix: of its foreground {@code postfix start-fg}). */
    long getPid();

    /** Where its configuration and logs are, for error messages. */
    Path getDirectory();

    /** Stops the server and removes its queue; logs stay. */
    @Override
    void close();
}
