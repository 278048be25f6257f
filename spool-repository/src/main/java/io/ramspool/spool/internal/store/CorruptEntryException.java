package io.ramspool.spool.internal.store;

import java.nio.file.Path;

/**
 * An entry file cannot be trusted: wrong magic, unknown version, truncated, or a checksum
 * mismatch. The message gives the path and, for checks, the expected and the actual value.
 */
public class CorruptEntryException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public CorruptEntryException(Path path, String problem) {
        super("corrupt spool entry " + path + ": " + problem);
        this.path = path;
    }

    public Path getPath() {
        return path;
    }
}
