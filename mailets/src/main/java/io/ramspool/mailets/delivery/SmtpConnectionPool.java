package io.ramspool.mailets.delivery;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPTransport;

/**
 * Open SMTP connections kept for reuse, at most {@code maxConnectionsPerHost} per address and port (busy and idle
 * together). Thread-safe: a borrowed connection belongs to one thread until it is given back or discarded.
 *
 * <p>A connection whose last mail was accepted less than {@link #TRUSTED_IDLE} ago is handed out as it is: after a
 * completed transaction a new MAIL command is valid (RFC 5321, 4.1.4), and an RSET would cost a round trip per mail,
 * on every mail of a busy relay. Any other reused connection is checked with RSET first, which also clears the
 * transaction state a refused mail left. A trusted connection the server has closed in the meantime fails at its
 * first command; {@link SmtpClient} then sends the mail again over a checked connection. Connections idle for longer
 * than {@code idleTime} are closed, on the next borrow or by {@link #closeIdle()}.
 */
final class SmtpConnectionPool implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpConnectionPool.class);
    /** Servers close idle sessions after minutes (RFC 5321 suggests 5); this stays well below that. */
    static final Duration TRUSTED_IDLE = Duration.ofSeconds(2);

    private final Properties sessionProperties;
    private final int maxConnectionsPerHost;
    private final Duration idleTime;
    private final Clock clock;
    private final ConcurrentHashMap<String, HostSlot> slots = new ConcurrentHashMap<>();
    private final AtomicLong openedConnections = new AtomicLong();

    SmtpConnectionPool(Properties sessionProperties, int maxConnectionsPerHost, Duration idleTime, Clock clock) {
        this.sessionProperties = sessionProperties;
        this.maxConnectionsPerHost = maxConnectionsPerHost;
        this.idleTime = idleTime;
        this.clock = clock;
    }

    /**
     * A live connection to {@code address:port}: an idle one that is trusted (see the class comment; only when
     * {@code mayTrust}) or answered RSET, or a new one. Blocks while the host already has its maximum number of
     * connections in use. {@code mayTrust} is false for the second try after a trusted connection turned out closed.
     *
     * @throws MessagingException when no connection could be opened (refused, timeout, bad greeting, EHLO refused,
     *     STARTTLS required but not offered)
     */
    SmtpConnection borrow(SmtpHost host, InetAddress address, boolean mayTrust)
            throws MessagingException, InterruptedException {
        HostSlot slot = slots.computeIfAbsent(key(address, host.getPort()), ignored -> new HostSlot());
        slot.permits.acquire();
        try {
            Optional<SmtpConnection> reused = pollLiveIdle(slot, mayTrust);
            if (reused.isPresent()) {
                return reused.get();
            }
            return open(slot, host, address);
        } catch (MessagingException | RuntimeException e) {
            slot.permits.release();
            throw e;
        }
    }

    /**
     * Keeps {@code connection} open for the next mail to the same host; {@code clean} when its last mail was
     * accepted, so that the next mail may skip the RSET.
     */
    void giveBack(SmtpConnection connection, boolean clean) {
        connection.markUsed(clock.instant());
        connection.setClean(clean);
        connection.getSlot().idle.push(connection);
        connection.getSlot().permits.release();
    }

    /** Closes {@code connection} after a failure that leaves its state unknown. */
    void discard(SmtpConnection connection) {
        connection.close();
        connection.getSlot().permits.release();
    }

    /** How many connections were opened since start; reuse keeps this low. */
    long getOpenedConnections() {
        return openedConnections.get();
    }

    /** Closes the idle connections that were not used for {@code idleTime}. */
    void closeIdle() {
        Instant now = clock.instant();
        for (HostSlot slot : slots.values()) {
            for (SmtpConnection connection : slot.idle) {
                // Only the thread whose remove() succeeds owns the connection; a borrower may have polled it first.
                if (isExpired(connection, now) && slot.idle.remove(connection)) {
                    connection.close();
                }
            }
        }
    }

    @Override
    public void close() {
        slots.values().forEach(slot -> {
            SmtpConnection connection = slot.idle.poll();
            while (connection != null) {
                connection.close();
                connection = slot.idle.poll();
            }
        });
    }

    private Optional<SmtpConnection> pollLiveIdle(HostSlot slot, boolean mayTrust) {
        Instant now = clock.instant();
        SmtpConnection candidate = slot.idle.poll();
        while (candidate != null) {
            boolean trusted = mayTrust && isTrusted(candidate, now);
            candidate.setHandedOutUnchecked(trusted);
            if (!isExpired(candidate, now) && (trusted || candidate.reset())) {
                return Optional.of(candidate);
            }
            candidate.close();
            candidate = slot.idle.poll();
        }
        return Optional.empty();
    }

    private static boolean isTrusted(SmtpConnection connection, Instant now) {
        return connection.isClean() && !connection.getLastUsed().plus(TRUSTED_IDLE).isBefore(now);
    }

    private boolean isExpired(SmtpConnection connection, Instant now) {
        return connection.getLastUsed().plus(idleTime).isBefore(now);
    }

    private SmtpConnection open(HostSlot slot, SmtpHost host, InetAddress address) throws MessagingException {
        Session session = Session.getInstance(copyOf(sessionProperties));
        SMTPTransport transport = new SMTPTransport(session, new URLName("smtp", address.getHostAddress(),
            host.getPort(), null, null, null));
        transport.connect(address.getHostAddress(), host.getPort(), null, null);
        openedConnections.incrementAndGet();
        LOGGER.debug("Opened SMTP connection host={} address={}", host, address.getHostAddress());
        return new SmtpConnection(transport, session, slot, clock.instant());
    }

    private static Properties copyOf(Properties properties) {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    private static String key(InetAddress address, int port) {
        return address.getHostAddress() + "|" + port;
    }

    /** The permits and idle connections of one address and port. */
    final class HostSlot {
        private final Semaphore permits = new Semaphore(maxConnectionsPerHost);
        private final Deque<SmtpConnection> idle = new ConcurrentLinkedDeque<>();
    }
}
