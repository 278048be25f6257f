package io.ramspool.spool.internal.mail;

import javax.mail.MessagingException;

import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;

/**
 * The message of a mail read back from the spool: James's lazy wrapper, except that removing a
 * header the message does not have leaves it unmodified.
 *
 * <p>Why: James refuses to start without {@code RemoveMimeHeader name=bcc} on every mail of the
 * transport processor, and James's wrapper counts any {@code removeHeader} call as a change. A
 * changed message cannot be copied byte for byte: the next spool write would parse its headers,
 * run {@code saveChanges} (which parses a multipart body) and write them again, for every relayed
 * mail, although almost none carries a Bcc header.
 */
final class SpoolMimeMessage extends MimeMessageWrapper {
    SpoolMimeMessage(MimeMessageSource source) {
        super(source);
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
        if (getHeader(name) == null) {
            return;
        }
        super.removeHeader(name);
    }
}
