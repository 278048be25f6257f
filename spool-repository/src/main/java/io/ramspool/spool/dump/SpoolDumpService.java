package io.ramspool.spool.dump;

import java.util.Optional;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.internal.store.StoreException;

/**
 * The server's side of dump and reload, for the launcher to call around James:
 *
 * <ol>
 *   <li>{@link #reloadOnStart()} before James is started (before anything opens the spool store
 *       through {@code SpoolStores.open}, so before SMTP listens);</li>
 *   <li>{@link #dumpOnStop()} after {@code GuiceJamesServer.stop()} and {@code SpoolStores.close},
 *       when no queue dequeues any more and the store's lock is free.</li>
 * </ol>
 *
 * Both do nothing when switched off in {@link DumpConfiguration}. Not thread-safe: call each once.
 */
public class SpoolDumpService {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolDumpService.class);

    private final SpoolConfiguration spool;
    private final DumpConfiguration dump;

    @Inject
    public SpoolDumpService(SpoolConfiguration spool, DumpConfiguration dump) {
        this.spool = spool;
        this.dump = dump;
    }

    /**
     * Replays the current dump when the spool is empty (see {@link SpoolDumps#reloadIfEmpty}).
     * Damaged entries do not fail the start: they are quarantined and counted in the report and
     * the log.
     *
     * @return empty when reload is switched off
     * @throws StoreException when the spool or the dump directory cannot be used at all; the
     *     dump is then kept, and starting James anyway would run on an incomplete spool
     */
    public Optional<ReloadReport> reloadOnStart() throws StoreException {
        if (!dump.isReloadOnStart()) {
            LOGGER.info("Spool reload at start is off spool={}", spool.getDirectory());
            return Optional.empty();
        }
        return Optional.of(SpoolDumps.reloadIfEmpty(spool.toStoreOptions(), dump.getDumpDirectory()));
    }

    /**
     * Dumps the whole spool to the dump directory (see {@link SpoolDumps#dump}).
     *
     * @return empty when the dump at stop is switched off
     * @throws StoreException when the dump failed; the previous dump is untouched and the mail is
     *     still in the RAM spool (an error line is logged with the cause)
     */
    public Optional<DumpReport> dumpOnStop() throws StoreException {
        if (!dump.isDumpOnStop()) {
            LOGGER.info("Spool dump at stop is off spool={}", spool.getDirectory());
            return Optional.empty();
        }
        return Optional.of(SpoolDumps.dump(spool.toStoreOptions(), dump.getDumpDirectory()));
    }

    public DumpConfiguration getDumpConfiguration() {
        return dump;
    }
}
