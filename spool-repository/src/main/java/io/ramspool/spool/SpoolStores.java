package io.ramspool.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.internal.store.StoreOptions;

/**
 * The stores open in this JVM, one per directory. The queue factory and every repository
 * naming the same directory share one store, hence one lock, one accounting and one index per
 * area; opening the same directory with different settings is refused.
 */
public final class SpoolStores {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolStores.class);
    private static final Map<Path, SpoolStore> OPEN = new HashMap<>();

    private SpoolStores() {
    }

    /**
     * Returns the store open on {@code options.getRoot()}, opening it on first use.
     *
     * @throws StoreException when the directory cannot be opened, or is already open with other options
     */
    public static synchronized SpoolStore open(StoreOptions options) throws StoreException {
        SpoolStore existing = OPEN.get(options.getRoot());
        if (existing != null) {
            if (!existing.getOptions().equals(options)) {
                throw new StoreException("spool directory " + options.getRoot() + " is already open with "
                    + existing.getOptions() + ", cannot reopen it with " + options);
            }
            return existing;
        }
        SpoolStore store = SpoolStore.open(options);
        OPEN.put(options.getRoot(), store);
        return store;
    }

    /** Closes and forgets the store of {@code root}, if open. Views of it must not be used afterwards. */
    public static synchronized void close(Path root) {
        SpoolStore store = OPEN.remove(root.toAbsolutePath().normalize());
        if (store != null) {
            try {
                store.close();
            } catch (IOException e) {
                LOGGER.warn("Cannot close spool store path={}", root, e);
            }
        }
    }
}
