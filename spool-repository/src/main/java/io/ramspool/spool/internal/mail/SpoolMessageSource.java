package io.ramspool.spool.internal.mail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.james.server.core.MimeMessageSource;

import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolStore;

/**
 * Serves the MIME bytes of a spool entry straight from its file, so that a dequeued mail's body
 * stays on the RAM disk until somebody reads it. James's MimeMessageWrapper parses headers from
 * it lazily and copies an unmodified body from it on {@code writeTo}.
 */
final class SpoolMessageSource implements MimeMessageSource {
    private static final int BUFFER_SIZE = 16 * 1024;

    private final SpoolStore store;
    private final SpoolEntry entry;

    SpoolMessageSource(SpoolStore store, SpoolEntry entry) {
        this.store = store;
        this.entry = entry;
    }

    @Override
    public String getSourceId() {
        return entry.getPath().toString();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new BufferedInputStream(store.openBody(entry), BUFFER_SIZE);
    }

    @Override
    public long getMessageSize() {
        return entry.getBodyLength();
    }
}
