package io.ramspool.mailets.delivery;

import java.time.Instant;

import javax.mail.MessagingException;
import javax.mail.Session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPTransport;

/**
 * One open SMTP connection and the JavaMail session that configures it. Not thread-safe: used by one delivery thread
 * at a time, between {@code borrow} and {@code giveBack}/{@code discard} of {@link SmtpConnectionPool}.
 */
final class SmtpConnection {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpConnection.class);

    private final SMTPTransport transport;
    private final Session session;
    private final SmtpConnectionPool.HostSlot slot;
    private volatile Instant lastUsed;
    private volatile boolean clean;
    private volatile boolean handedOutUnchecked;

    SmtpConnection(SMTPTransport transport, Session session, SmtpConnectionPool.HostSlot slot, Instant lastUsed) {
        this.transport = transport;
        this.session = session;
        this.slot = slot;
        this.lastUsed = lastUsed;
    }

    SMTPTransport getTransport() {
        return transport;
    }

    /** The live properties of this connection's session: envelope settings are put here before each mail. */
    Session getSession() {
        return session;
    }

    SmtpConnectionPool.HostSlot getSlot() {
        return slot;
    }

    Instant getLastUsed() {
        return lastUsed;
    }

    void markUsed(Instant instant) {
        this.lastUsed = instant;
    }

    /** Whether the last mail on this connection ended with the server's 250 after the final dot. */
    boolean isClean() {
        return clean;
    }

    void setClean(boolean clean) {
        this.clean = clean;
    }

    /** Whether the pool handed this connection out without an RSET, trusting its last clean mail. */
    boolean wasHandedOutUnchecked() {
        return handedOutUnchecked;
    }

    void setHandedOutUnchecked(boolean handedOutUnchecked) {
        this.handedOutUnchecked = handedOutUnchecked;
    }

    /** Sends RSET (the session sets {@code mail.smtp.userset}); false when the server is gone or refuses it. */
    boolean reset() {
        return transport.isConnected();
    }

    void close() {
        try {
            transport.close();
        } catch (MessagingException e) {
            LOGGER.debug("Closing SMTP connection failed; it is dropped anyway", e);
        }
    }
}
