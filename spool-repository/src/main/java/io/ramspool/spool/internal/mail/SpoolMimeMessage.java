package io.ramspool.spool.internal.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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
 *
 * <p>An unchanged message also writes itself as the bytes of its spool entry, where James's
 * wrapper parses the headers from the file again and prints them back one byte at a time: that was
 * most of the CPU of a delivery thread sending a small mail over SMTP. Headers the caller asks to
 * leave out (JavaMail's SMTP transport leaves out Bcc and Content-Length) send the message
 * through James's path when the message has any of them.
 */
final class SpoolMimeMessage extends MimeMessageWrapper {
    private static final String[] NO_HEADERS = new String[0];

    SpoolMimeMessage(MimeMessageSource source) {
        super(source);
    }

    @Override
    public void writeTo(OutputStream out) throws IOException, MessagingException {
        writeTo(out, NO_HEADERS);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
        if (!canCopyRaw(ignoreList)) {
            super.writeTo(out, ignoreList);
            return;
        }
        try (InputStream raw = source.getInputStream()) {
            raw.transferTo(out);
        }
    }

    private boolean canCopyRaw(String[] ignoreList) throws MessagingException {
        if (isModified() || messageParsed || source == null) {
            return false;
        }
        return ignoreList == null || ignoreList.length == 0
            || !getMatchingHeaderLines(ignoreList).hasMoreElements();
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
        if (getHeader(name) == null) {
            return;
        }
        super.removeHeader(name);
    }
}
