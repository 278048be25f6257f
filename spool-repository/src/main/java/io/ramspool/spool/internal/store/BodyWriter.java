package io.ramspool.spool.internal.store;

import java.io.IOException;
import java.io.OutputStream;

import javax.mail.MessagingException;

/** Streams the raw MIME bytes of a mail into an entry file being written. */
@FunctionalInterface
public interface BodyWriter {
    BodyWriter EMPTY = out -> { };

    void writeTo(OutputStream out) throws IOException, MessagingException;
}
