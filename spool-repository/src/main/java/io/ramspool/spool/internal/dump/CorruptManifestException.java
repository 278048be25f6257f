package io.ramspool.spool.internal.dump;

import java.nio.file.Path;

/**
 * A dump's MANIFEST cannot be trusted: missing, truncated, of an unknown format version, or its
 * checksum does not match. The message gives the path and the expected and actual values. The
 * entry files of the dump may still be intact: each carries its own checksum.
 */
public class CorruptManifestException extends DumpException {
    private static final long serialVersionUID = 1L;

    public CorruptManifestException(Path manifest, String problem) {
        super("unusable dump manifest " + manifest + ": " + problem);
    }
}
