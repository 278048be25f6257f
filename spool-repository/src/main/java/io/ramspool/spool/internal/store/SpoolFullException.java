package io.ramspool.spool.internal.store;

/**
 * A write was refused because the store would exceed its configured size cap, or the file
 * system ran out of space. Nothing was committed.
 */
public class SpoolFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public SpoolFullException(String message) {
        super(message);
    }

    public SpoolFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
