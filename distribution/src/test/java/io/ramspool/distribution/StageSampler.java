package io.ramspool.distribution;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads a status every 100 ms on a thread of its own, so that a test can check every moment of a run. */
final class StageSampler implements AutoCloseable {
    private static final long INTERVAL_MILLIS = 100;

    private final Supplier<JsonNode> reader;
    private final List<JsonNode> samples = new CopyOnWriteArrayList<>();
    private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private StageSampler(Supplier<JsonNode> reader) {
        this.reader = reader;
        this.thread = new Thread(this::sampleUntilClosed, "stage-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    static StageSampler start(Supplier<JsonNode> reader) {
        return new StageSampler(reader);
    }

    private void sampleUntilClosed() {
        while (running) {
            try {
                samples.add(reader.get());
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }

    /** Every sample so far; fails when reading the status failed, since a gap could hide a breach. */
    List<JsonNode> samples() {
        if (!failures.isEmpty()) {
            throw new IllegalStateException("status could not be read " + failures.size() + " times",
                failures.get(0));
        }
        return List.copyOf(samples);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
