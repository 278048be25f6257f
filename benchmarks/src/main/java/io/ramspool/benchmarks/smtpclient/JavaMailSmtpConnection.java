package io.ramspool.benchmarks.smtpclient;

import java.net.InetSocketAddress;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;
import javax.mail.internet.InternetAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPTransport;

/**
 * JavaMail's {@link SMTPTransport} used the way the one-shot delivery mailet uses it
 * ({@code io.ramspool.mailets.delivery.SmtpConnectionPool} and {@code SmtpClient}, which are
 * package-private in the mailets module and cannot be called from here): the session properties
 * that {@code SmtpClient.sessionProperties} derives from the mailet's defaults with a
 * {@code helloName}, one {@link Session} per connection, RSET through
 * {@link SMTPTransport#isConnected()} before every reuse ({@code mail.smtp.userset}), envelope
 * sender and SIZE / BODY=8BITMIME put into the session before each mail, then
 * {@link SMTPTransport#sendMessage}. JavaMail does not pipeline. Not thread-safe.
 */
final class JavaMailSmtpConnection implements SmtpClientConnection {
    private static final Logger LOGGER = LoggerFactory.getLogger(JavaMailSmtpConnection.class);
    // The mailet's defaults: connectTimeout 10s, commandTimeout 30s, dataTimeout 60s.
    private static final String CONNECT_TIMEOUT_MILLIS = "10000";
    private static final String COMMAND_TIMEOUT_MILLIS = "30000";
    private static final String DATA_TIMEOUT_MILLIS = "60000";

    private final SMTPTransport transport;
    private final Session session;
    private boolean used;

    private JavaMailSmtpConnection(SMTPTransport transport, Session session) {
        this.transport = transport;
        this.session = session;
    }

    /**
     * Connects, reads the greeting and says EHLO as {@code helloName}.
     *
     * @param tcpNoDelay false for the mailet's setup; true turns Nagle's algorithm off, which the
     *     mailet does not do, to tell its effect apart from the client's own cost
     */
    static JavaMailSmtpConnection open(InetSocketAddress address, String helloName, boolean tcpNoDelay)
        throws MessagingException {
        String host = address.getAddress().getHostAddress();
        Properties properties = sessionProperties(helloName);
        if (tcpNoDelay) {
            properties.put("mail.smtp.socketFactory", new TcpNoDelaySocketFactory());
        }
        Session session = Session.getInstance(properties);
        SMTPTransport transport = new SMTPTransport(session,
            new URLName("smtp", host, address.getPort(), null, null, null));
        transport.connect(host, address.getPort(), null, null);
        return new JavaMailSmtpConnection(transport, session);
    }

    /** The properties {@code SmtpClient.sessionProperties} sets for the default configuration. */
    static Properties sessionProperties(String helloName) {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.connectiontimeout", CONNECT_TIMEOUT_MILLIS);
        properties.setProperty("mail.smtp.timeout", COMMAND_TIMEOUT_MILLIS);
        properties.setProperty("mail.smtp.writetimeout", DATA_TIMEOUT_MILLIS);
        properties.setProperty("mail.smtp.sendpartial", "true");
        properties.setProperty("mail.smtp.userset", "true");
        properties.setProperty("mail.smtp.quitwait", "false");
        properties.setProperty("mail.mime.allowutf8", "true");
        properties.setProperty("mail.smtp.localhost", helloName);
        // startTls=opportunistic, the default: upgrade when offered (the sink does not offer it).
        properties.setProperty("mail.smtp.starttls.enable", "true");
        properties.setProperty("mail.smtp.starttls.required", "false");
        properties.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        return properties;
    }

    @Override
    public void deliver(BenchmarkMail mail) throws MessagingException {
        // The pool checks a reused connection with RSET before it lends it out; a new one is not.
        if (used && !transport.isConnected()) {
            throw new MessagingException("RSET refused by " + transport.getURLName());
        }
        used = true;
        prepareEnvelope(mail);
        Address[] recipients = {new InternetAddress(mail.recipient(), false)};
        transport.sendMessage(mail.message(), recipients);
    }

    private void prepareEnvelope(BenchmarkMail mail) {
        Properties properties = session.getProperties();
        properties.setProperty("mail.smtp.from", mail.sender());
        StringBuilder extensions = new StringBuilder();
        if (transport.supportsExtension("SIZE")) {
            extensions.append("SIZE=").append(mail.size());
        }
        if (transport.supportsExtension("8BITMIME")) {
            extensions.append(extensions.length() > 0 ? " " : "").append("BODY=8BITMIME");
        }
        properties.setProperty("mail.smtp.mailextension", extensions.toString());
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (MessagingException e) {
            LOGGER.debug("Closing JavaMail connection failed; it is dropped anyway", e);
        }
    }
}
