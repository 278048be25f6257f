package io.ramspool.spool.internal.dump;

import io.ramspool.spool.internal.store.StoreException;

/**
 * A dump could not be written or read as a whole; the message names the dump directory and
 * says what became of the previous dump.
 */
public class DumpException extends StoreException {
    private static final long serialVersionUID = 1L;

    public DumpException(String message) {
        super(message);
    }

    public DumpException(String message, Throwable cause) {
        super(message, cause);
    }
}
