package io.ramspool.distribution.faults;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Client threads that send mails to a relay until each has sent its share, the load is stopped, or
 * the relay goes away (a broken or refused connection ends a thread: its mail in progress is in the
 * ledger as refused or unanswered). Each thread opens a new connection every
 * {@value #MAILS_PER_CONNECTION} mails.
 */
public final class MailLoad {
    private static final int MAILS_PER_CONNECTION = 20;

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private MailLoad() {
    }

    /**
     * Starts {@code clients} threads sending {@code mailsPerClient} mails each to 127.0.0.1:port from
     * 127.0.0.1, pausing {@code pause} between mails.
     */
    public static MailLoad start(int port, FaultLedger ledger, int clients, int mailsPerClient,
                                 Supplier<FaultMail> mails, Duration pause) {
        MailLoad load = new MailLoad();
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(() -> load.run(port, ledger, mailsPerClient, mails, pause), "fault-client-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    private void run(int port, FaultLedger ledger, int mails, Supplier<FaultMail> source, Duration pause) {
        int sent = 0;
        while (sent < mails && !stopped.get()) {
            MailClient client;
            try {
                client = MailClient.connect("127.0.0.1", port, ledger);
            } catch (UncheckedIOException relayGone) {
                // Killed or not listening: this client stops, as a real sender would until later.
                return;
            }
            try (client) {
                for (int i = 0; i < MAILS_PER_CONNECTION && sent < mails && !stopped.get(); i++, sent++) {
                    client.send(source.get());
                    pause(pause);
                }
            } catch (UncheckedIOException relayGone) {
                // The connection broke; the client already wrote the fate of its mail in the ledger.
                return;
            }
        }
    }

    private static void pause(Duration pause) {
        if (pause.isZero()) {
            return;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks every thread to stop after its current mail. */
    public MailLoad stop() {
        stopped.set(true);
        return this;
    }

    /** Waits for every thread to end; fails when one is still running after {@code timeout}. */
    public MailLoad await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the clients", e);
            }
            if (thread.isAlive()) {
                throw new IllegalStateException("client " + thread.getName() + " still running after " + timeout);
            }
        }
        return this;
    }
}
