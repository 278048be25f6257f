package io.ramspool.spool.dump;

import java.util.Optional;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;

/**
 * The server's side of dump, reload and checkpoint, for the launcher to call around James:
 *
 * <ol>
 *   <li>{@link #reloadOnStart()} before James is started (before anything opens the spool store
 *       through {@code SpoolStores.open}, so before SMTP listens);</li>
 *   <li>{@link #startCheckpoint(SpoolStore)} with {@code SpoolStores.open(spool.toStoreOptions())}
 *       (the same store James will get), before {@code GuiceJamesServer.start()};</li>
 *   <li>{@link #stopCheckpoint()} after {@code GuiceJamesServer.stop()}, when no queue changes the
 *       spool any more, and before {@code SpoolStores.close};</li>
 *   <li>{@link #dumpOnStop()} after {@code SpoolStores.close}, when the store's lock is free.</li>
 * </ol>
 *
 * Each does nothing when switched off in {@link DumpConfiguration}. Not thread-safe, except
 * {@link #getCheckpointStatus()}, {@link #getLastDump()} and {@link #dumpNow(SpoolStore)}: call the
 * others once each, from the launcher's thread.
 */
public class SpoolDumpService {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolDumpService.class);

    private final SpoolConfiguration spool;
    private final DumpConfiguration dump;
    private volatile Optional<SpoolCheckpoint> checkpoint = Optional.empty();
    private volatile Optional<DumpReport> lastDump = Optional.empty();

    @Inject
    public SpoolDumpService(SpoolConfiguration spool, DumpConfiguration dump) {
        this.spool = spool;
        this.dump = dump;
    }

    /**
     * Replays the current dump when the spool is empty (see {@link SpoolDumps#reloadIfEmpty}), then
     * marks the spool as in service ({@link SpoolDumps#markInService}), also when reload is off.
     * Damaged entries do not fail the start: they are quarantined and counted in the report and
     * the log.
     *
     * @return empty when reload is switched off
     * @throws StoreException when the spool or the dump directory cannot be used at all; the
     *     dump is then kept, and starting James anyway would run on an incomplete spool
     */
    public Optional<ReloadReport> reloadOnStart() throws StoreException {
        Optional<ReloadReport> report = reload();
        SpoolDumps.markInService(spool.getDirectory());
        return report;
    }

    private Optional<ReloadReport> reload() throws StoreException {
        if (!dump.isReloadOnStart()) {
            LOGGER.info("Spool reload at start is off spool={}", spool.getDirectory());
            return Optional.empty();
        }
        return Optional.of(SpoolDumps.reloadIfEmpty(spool.toStoreOptions(), dump.getDumpDirectory(),
            dump.getAfterReload()));
    }

    /**
     * Starts the continuous checkpoint of {@code store} when {@code checkpoint=true} (see
     * {@link SpoolCheckpoint#start}). Returns at once; the writer runs on its own thread.
     *
     * @return empty when the checkpoint is off
     * @throws StoreException when the dump directory cannot be created or is locked by another
     *     process: the operator asked for a bounded loss that cannot be given, so the start should stop
     */
    public Optional<SpoolCheckpoint> startCheckpoint(SpoolStore store) throws StoreException {
        if (!dump.isCheckpoint()) {
            LOGGER.info("Spool checkpoint is off spool={}", spool.getDirectory());
            return Optional.empty();
        }
        stopCheckpoint();
        checkpoint = Optional.of(SpoolCheckpoint.start(store, dump.getDumpDirectory(), dump.getCheckpointLag()));
        return checkpoint;
    }

    /** Writes the last changes and stops the checkpoint, if it runs (see {@link SpoolCheckpoint#stop()}). */
    public void stopCheckpoint() {
        Optional<SpoolCheckpoint> running = checkpoint;
        checkpoint = Optional.empty();
        running.ifPresent(SpoolCheckpoint::stop);
    }

    /** The running checkpoint's state, lag and counts; empty when none runs. Callable from any thread. */
    public Optional<CheckpointStatus> getCheckpointStatus() {
        return checkpoint.map(SpoolCheckpoint::getStatus);
    }

    /**
     * Dumps the whole spool to the dump directory (see {@link SpoolDumps#dump}).
     *
     * Stops the checkpoint first if it still runs: the dump needs the dump directory's lock. A
     * published dump retires the checkpoint.
     *
     * @return empty when the dump at stop is switched off
     * @throws StoreException when the dump failed; the previous dump (and the checkpoint, if any)
     *     is untouched and the mail is still in the RAM spool (an error line is logged with the cause)
     */
    public Optional<DumpReport> dumpOnStop() throws StoreException {
        stopCheckpoint();
        if (!dump.isDumpOnStop()) {
            LOGGER.info("Spool dump at stop is off spool={}", spool.getDirectory());
            return Optional.empty();
        }
        DumpReport report = SpoolDumps.dump(spool.toStoreOptions(), dump.getDumpDirectory());
        lastDump = Optional.of(report);
        return Optional.of(report);
    }

    /**
     * Dumps the running spool now, for an operator (webadmin's {@code POST /ramspool/dump}): a copy
     * of the spool as it is while this runs, published like the dump at stop. Mail keeps flowing
     * meanwhile. Callable from any thread; a second dump at the same time fails with a
     * {@link io.ramspool.spool.internal.store.StoreLockedException}.
     *
     * @throws IllegalStateException when the continuous checkpoint runs: it holds the dump
     *     directory and already keeps a newer copy than a dump would
     * @throws StoreException when the dump failed; the previous dump is untouched
     */
    public DumpReport dumpNow(SpoolStore store) throws StoreException {
        if (checkpoint.isPresent()) {
            throw new IllegalStateException("the continuous checkpoint runs and already keeps the spool in "
                + dump.getDumpDirectory() + "; a dump is written at stop");
        }
        DumpReport report = SpoolDumps.dump(store, dump.getDumpDirectory());
        lastDump = Optional.of(report);
        return report;
    }

    /** The last dump this server wrote, if any. */
    public Optional<DumpReport> getLastDump() {
        return lastDump;
    }

    public DumpConfiguration getDumpConfiguration() {
        return dump;
    }
}
