package io.ramspool.distribution;

import java.nio.file.Path;

import org.apache.james.GuiceJamesServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.SpoolStores;
import io.ramspool.spool.dump.SpoolDumpService;
import io.ramspool.spool.internal.store.StoreException;

/** A started relay: the James server and the spool it runs on. */
public final class RamspoolRelay implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RamspoolRelay.class);

    private final GuiceJamesServer server;
    private final SpoolConfiguration spool;
    private final SpoolDumpService dumps;

    RamspoolRelay(GuiceJamesServer server, SpoolConfiguration spool, SpoolDumpService dumps) {
        this.server = server;
        this.spool = spool;
        this.dumps = dumps;
    }

    /**
     * Starts the continuous checkpoint when {@code checkpoint=true}; James must be running, since
     * the checkpoint follows the store that James opened.
     *
     * @throws RelayStartupException when the checkpoint was asked for and cannot run
     */
    void startCheckpoint() {
        try {
            dumps.startCheckpoint(SpoolStores.open(spool.toStoreOptions()));
        } catch (StoreException e) {
            close();
            throw new RelayStartupException("cannot start the spool checkpoint: " + e.getMessage(), e);
        }
    }

    public GuiceJamesServer getServer() {
        return server;
    }

    public Path getSpoolDirectory() {
        return spool.getDirectory().toAbsolutePath().normalize();
    }

    /**
     * Stops James (its queues stop dequeuing; queued mail stays in the spool), stops the
     * checkpoint, closes the spool store, which releases the directory's lock for the next
     * process, and dumps the spool when {@code dumpOnStop=true}. A failed dump is logged at ERROR;
     * the mail is still in the spool and the previous dump is intact.
     */
    @Override
    public void close() {
        server.stop();
        dumps.stopCheckpoint();
        SpoolStores.close(getSpoolDirectory());
        spool.getOverflow().getDirectory().ifPresent(SpoolStores::close);
        try {
            dumps.dumpOnStop();
        } catch (StoreException e) {
            LOGGER.error("Spool dump at stop failed, the mail stays in the RAM spool and the previous dump is kept"
                + " spool={} error={}", getSpoolDirectory(), e.getMessage(), e);
        }
        LOGGER.info("ramspool relay stopped spool={}", getSpoolDirectory());
    }
}
