package io.ramspool.spool.dump;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.ramspool.spool.internal.dump.CheckpointWriter;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;

/**
 * The continuous checkpoint of a running spool: a background writer that keeps
 * {@code <dumpDirectory>/checkpoint/} equal to the spool, at most about {@code checkpointLag}
 * behind, so that after a power loss (RAM wiped, no clean stop) a reload brings back every mail
 * committed more than the lag before, and no mail delivered more than the lag before. Off by
 * default ({@code checkpoint=true} in {@code ramspool-dump.properties} turns it on).
 *
 * <p>The spool's callers never wait for the dump disk: each change costs an in-memory enqueue,
 * and the writer thread copies, fsyncs in batches and deletes. When the dump disk fails or fills
 * up, the relay keeps running; the writer logs (ERROR, with counts), retries and catches up. See
 * {@link CheckpointStatus} for the numbers a monitoring route can show.
 *
 * <p>Order in a server (see {@link SpoolDumpService}): reload at start with
 * {@link AfterReload#KEEP_AS_CHECKPOINT}, open the store, {@link #start}, start James; at stop:
 * stop James, {@link #stop()}, close the store, dump. A reload prefers the checkpoint to the
 * current dump; publishing a dump retires the checkpoint.
 *
 * <p>Thread-safe.
 */
public final class SpoolCheckpoint implements AutoCloseable {
    private final CheckpointWriter writer;

    private SpoolCheckpoint(CheckpointWriter writer) {
        this.writer = writer;
    }

    /**
     * Starts checkpointing {@code store} into {@code dumpDir}: takes the dump directory's lock,
     * listens to the store, and starts the writer thread, which first makes the checkpoint equal
     * to the store (at once when the store was just reloaded from it, else by copying). Returns
     * without waiting for that; {@link #getStatus()} says STARTING until it is done.
     *
     * @throws io.ramspool.spool.internal.store.StoreLockedException when a dump, reload or
     *     another checkpoint holds the dump directory
     * @throws StoreException when the dump directory cannot be created or locked
     */
    public static SpoolCheckpoint start(SpoolStore store, Path dumpDir, Duration maxLag) throws StoreException {
        return new SpoolCheckpoint(CheckpointWriter.start(store, dumpDir, maxLag, Clock.systemUTC()));
    }

    /** Where the checkpoint stands now: state, current lag, counts. Cheap. */
    public CheckpointStatus getStatus() {
        return writer.getStatus();
    }

    /**
     * Writes the changes still waiting, stops the writer and releases the dump directory. Call it
     * after James has stopped and before the dump at stop. Blocks until the last batch is on disk.
     * Idempotent.
     */
    public void stop() {
        writer.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
