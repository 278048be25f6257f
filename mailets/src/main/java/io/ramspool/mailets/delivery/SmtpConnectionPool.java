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
 * <p>A reused connection is checked with RSET before it is handed out, which also clears any transaction state left
 * by the previous mail. Connections idle for longer than {@code idleTime} are closed, on the next borrow or by
 * {@link #closeIdle()}.
 */
final class SmtpConnectionPool implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpConnectionPool.class);

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
     * A live connection to {@code address:port}: an idle one that answered RSET, or a new one. Blocks while the host
     * already has its maximum number of connections in use.
     *
     * @throws MessagingException when no connection could be opened (refused, timeout, bad greeting, EHLO refused,
     *     STARTTLS required but not offered)
     */
    SmtpConnection borrow(SmtpHost host, InetAddress address) throws MessagingException, InterruptedException {
        HostSlot slot = slots.computeIfAbsent(key(address, host.getPort()), ignored -> new HostSlot());
        slot.permits.acquire();
        try {
            Optional<SmtpConnection> reused = pollLiveIdle(slot);
            if (reused.isPresent()) {
                return reused.get();
            }
            return open(slot, host, address);
        } catch (MessagingException | RuntimeException e) {
            slot.permits.release();
            throw e;
        }
    }

    /** Keeps {@code connection} open for the next mail to the same host. */
    void giveBack(SmtpConnection connection) {
        connection.markUsed(clock.instant());
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

    private Optional<SmtpConnection> pollLiveIdle(HostSlot slot) {
        Instant now = clock.instant();
        SmtpConnection candidate = slot.idle.poll();
        while (candidate != null) {
            if (!isExpired(candidate, now) && candidate.reset()) {
                return Optional.of(candidate);
            }
            candidate.close();
            candidate = slot.idle.poll();
        }
        return Optional.empty();
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
