package io.ramspool.distribution;

import java.nio.file.Path;

import org.apache.james.GuiceJamesServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.SpoolStores;

/** A started relay: the James server and the spool it runs on. */
public final class RamspoolRelay implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RamspoolRelay.class);

    private final GuiceJamesServer server;
    private final SpoolConfiguration spool;

    RamspoolRelay(GuiceJamesServer server, SpoolConfiguration spool) {
        this.server = server;
        this.spool = spool;
    }

    public GuiceJamesServer getServer() {
        return server;
    }

    public Path getSpoolDirectory() {
        return spool.getDirectory().toAbsolutePath().normalize();
    }

    /**
     * Stops James (its queues stop dequeuing; queued mail stays in the spool), then closes the
     * spool store, which releases the directory's lock for the next process.
     */
    @Override
    public void close() {
        server.stop();
        SpoolStores.close(getSpoolDirectory());
        LOGGER.info("ramspool relay stopped spool={}", getSpoolDirectory());
    }
}
