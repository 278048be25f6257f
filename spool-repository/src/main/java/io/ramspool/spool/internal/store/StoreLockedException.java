package io.ramspool.spool.internal.store;

/**
 * The store directory is held by another process (a running server or tool) or is already open
 * in this JVM. Nothing was read or changed.
 */
public class StoreLockedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreLockedException(String message) {
        super(message);
    }

    public StoreLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
