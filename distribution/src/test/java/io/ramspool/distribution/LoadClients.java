package io.ramspool.distribution;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.google.common.collect.ImmutableSet;

/**
 * SMTP clients that keep sending, one mail per connection, until stopped. Each mail has its own
 * Message-ID; the clients remember which ones got 250 (acknowledged), count the 452 refusals, and
 * keep any other reply or failure, which a test expects to be none.
 */
final class LoadClients implements AutoCloseable {
    private static final String REFUSED = "452";

    private final ExecutorService threads;
    private final Function<String, String> send;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong acceptedAfterLastRefusal = new AtomicLong();
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile boolean running = true;

    private LoadClients(int clients, Function<String, String> send) {
        this.send = send;
        this.threads = Executors.newFixedThreadPool(clients);
    }

    /** @param send sends one mail with the given Message-ID and returns the decisive reply */
    static LoadClients start(int clients, Function<String, String> send) {
        LoadClients load = new LoadClients(clients, send);
        for (int i = 0; i < clients; i++) {
            load.threads.execute(load::sendUntilStopped);
        }
        return load;
    }

    private void sendUntilStopped() {
        while (running) {
            String messageId = "<load-" + sequence.incrementAndGet() + "@client.test>";
            try {
                record(messageId, send.apply(messageId));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | AssertionError e) {
                unexpected.add(messageId + ": " + e);
            }
        }
    }

    private void record(String messageId, String reply) throws InterruptedException {
        if (reply.startsWith("250")) {
            acknowledged.add(messageId);
            acceptedAfterLastRefusal.incrementAndGet();
        } else if (reply.startsWith(REFUSED)) {
            refusals.incrementAndGet();
            acceptedAfterLastRefusal.set(0);
            // A refused sender waits before trying again, as a real MTA would.
            TimeUnit.MILLISECONDS.sleep(50);
        } else {
            unexpected.add(messageId + ": " + reply);
        }
    }

    long refusals() {
        return refusals.get();
    }

    /** Mails acknowledged since the last 452: intake has resumed once this grows. */
    long acceptedSinceRefusals() {
        return refusals.get() == 0 ? 0 : acceptedAfterLastRefusal.get();
    }

    ImmutableSet<String> acknowledged() {
        return ImmutableSet.copyOf(acknowledged);
    }

    List<String> unexpectedReplies() {
        return List.copyOf(unexpected);
    }

    /** Stops sending; a mail in progress is finished and counted. */
    void stop() {
        running = false;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("load clients did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the load clients", e);
        }
    }

    @Override
    public void close() {
        if (running) {
            stop();
        }
    }
}
