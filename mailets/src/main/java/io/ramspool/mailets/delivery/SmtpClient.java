package io.ramspool.mailets.delivery;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.internet.InternetAddress;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableMap;
import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;

/**
 * Sends one mail to one host over a pooled JavaMail connection and reports a result per recipient. Expected failures
 * (refused connection, timeouts, 4xx and 5xx replies) are results, never exceptions. Thread-safe.
 */
final class SmtpClient {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpClient.class);
    private static final String SMTP_FROM = "mail.smtp.from";
    private static final String SMTP_MAIL_EXTENSION = "mail.smtp.mailextension";
    private static final String DATA_END = ".";
    private static final int SERVICE_CLOSING = 421;

    private final SmtpConnectionPool pool;

    SmtpClient(SmtpConnectionPool pool) {
        this.pool = pool;
    }

    /** JavaMail settings shared by every connection, derived from the mailet configuration. */
    static Properties sessionProperties(DeliveryConfiguration configuration) {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.connectiontimeout", millis(configuration.getConnectTimeout().toMillis()));
        properties.setProperty("mail.smtp.timeout", millis(configuration.getCommandTimeout().toMillis()));
        properties.setProperty("mail.smtp.writetimeout", millis(configuration.getDataTimeout().toMillis()));
        // Per-recipient results: send to the accepted recipients even when others are refused.
        properties.setProperty("mail.smtp.sendpartial", "true");
        // Liveness check of a reused connection doubles as the RSET between two mails.
        properties.setProperty("mail.smtp.userset", "true");
        properties.setProperty("mail.smtp.quitwait", "false");
        properties.setProperty("mail.mime.allowutf8", "true");
        properties.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
        // Only the plain socket comes from the factory; STARTTLS still wraps it with JavaMail's SSL factory.
        properties.setProperty("mail.smtp.socketFactory.fallback", "false");
        configuration.getHelloName().ifPresent(name -> properties.setProperty("mail.smtp.localhost", name));
        properties.setProperty("mail.smtp.starttls.enable",
            String.valueOf(configuration.getStartTls() != StartTlsMode.OFF));
        properties.setProperty("mail.smtp.starttls.required",
            String.valueOf(configuration.getStartTls() == StartTlsMode.REQUIRED));
        if (configuration.isTrustAllCertificates()) {
            properties.setProperty("mail.smtp.ssl.trust", "*");
        }
        // Limitation: connections go to resolved addresses, so the certificate's host name is not checked.
        properties.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        return properties;
    }

    /**
     * Offers {@code mail} to {@code host} at {@code address} for {@code recipients}.
     *
     * @return one result per recipient; a connection-level failure gives every recipient a temporary failure
     */
    ImmutableMap<MailAddress, RecipientResult> send(SmtpHost host, InetAddress address, Mail mail,
                                                    List<MailAddress> recipients, boolean viaFallback) {
        Attempt first = sendOnce(host, address, mail, recipients, viaFallback, true);
        if (!first.closedUnderUs()) {
            return first.results();
        }
        // The server closed a connection we trusted without RSET: not a verdict on the mail.
        LOGGER.debug("Reused SMTP connection was closed by the server, sending again host={}", host);
        return sendOnce(host, address, mail, recipients, viaFallback, false).results();
    }

    /** The results of one try, and whether it failed on a connection reused without RSET. */
    private record Attempt(ImmutableMap<MailAddress, RecipientResult> results, boolean closedUnderUs) {
    }

    private Attempt sendOnce(SmtpHost host, InetAddress address, Mail mail, List<MailAddress> recipients,
                             boolean viaFallback, boolean mayTrust) {
        SmtpConnection connection;
        try {
            connection = pool.borrow(host, address, mayTrust);
        } catch (MessagingException e) {
            return new Attempt(allRetryLater(recipients, "connection to " + host + " failed: " + describe(e)), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(allRetryLater(recipients, "interrupted while waiting for a connection to " + host),
                false);
        }
        return sendOver(connection, host, mail, recipients, viaFallback);
    }

    private Attempt sendOver(SmtpConnection connection, SmtpHost host, Mail mail, List<MailAddress> recipients,
                             boolean viaFallback) {
        boolean reusable = false;
        boolean clean = false;
        try {
            prepareEnvelope(connection, mail);
            connection.getTransport().sendMessage(mail.getMessage(), toInternetAddresses(recipients));
            reusable = true;
            clean = true;
            return new Attempt(allDelivered(recipients, host, viaFallback), false);
        } catch (SendFailedException e) {
            // A refused recipient or transaction leaves the session usable; RSET on the next borrow checks it.
            // 421 is the server closing the session, which an idle connection may have sent us long ago.
            boolean closing = isClosing(e);
            reusable = !closing;
            return new Attempt(classify(e, host, recipients, viaFallback),
                closing && connection.wasHandedOutUnchecked());
        } catch (MessagingException | RuntimeException e) {
            LOGGER.debug("SMTP transaction failed host={}", host, e);
            return new Attempt(allRetryLater(recipients, "transaction with " + host + " failed: " + describe(e)),
                connection.wasHandedOutUnchecked());
        } finally {
            if (reusable) {
                pool.giveBack(connection, clean);
            } else {
                pool.discard(connection);
            }
        }
    }

    private static boolean isClosing(SendFailedException exception) {
        return exception instanceof SMTPSendFailedException
            && ((SMTPSendFailedException) exception).getReturnCode() == SERVICE_CLOSING;
    }

    private void prepareEnvelope(SmtpConnection connection, Mail mail) throws MessagingException {
        Properties properties = connection.getSession().getProperties();
        properties.setProperty(SMTP_FROM, envelopeSender(mail));
        StringBuilder extensions = new StringBuilder();
        if (connection.getTransport().supportsExtension("SIZE")) {
            extensions.append("SIZE=").append(mail.getMessageSize());
        }
        if (connection.getTransport().supportsExtension("8BITMIME")) {
            extensions.append(extensions.length() > 0 ? " " : "").append("BODY=8BITMIME");
        }
        properties.setProperty(SMTP_MAIL_EXTENSION, extensions.toString());
    }

    private static String envelopeSender(Mail mail) {
        if (mail.getMaybeSender().isNullSender()) {
            return "<>";
        }
        return mail.getMaybeSender().asString();
    }

    private static Address[] toInternetAddresses(List<MailAddress> recipients) throws MessagingException {
        Address[] addresses = new Address[recipients.size()];
        for (int i = 0; i < recipients.size(); i++) {
            addresses[i] = new InternetAddress(recipients.get(i).asString(), false);
        }
        return addresses;
    }

    /**
     * Maps JavaMail's answer to results. Recipients refused at RCPT carry their own code; the others take the code of
     * the failed MAIL, DATA or final dot command, or are delivered when the transaction ended with 250.
     */
    private static ImmutableMap<MailAddress, RecipientResult> classify(SendFailedException exception, SmtpHost host,
                                                                      List<MailAddress> recipients,
                                                                      boolean viaFallback) {
        Map<String, RecipientResult> refusedAtRcpt = refusedRecipients(exception);
        Optional<SMTPSendFailedException> transaction = Optional.of(exception)
            .filter(SMTPSendFailedException.class::isInstance)
            .map(SMTPSendFailedException.class::cast);
        Function<MailAddress, RecipientResult> others = transaction
            .map(failure -> transactionResult(failure, host, viaFallback))
            .orElse(ignored -> RecipientResult.retryLater(host + " gave no reply for this recipient"));
        return recipients.stream()
            .collect(ImmutableMap.toImmutableMap(Function.identity(),
                recipient -> Optional.ofNullable(refusedAtRcpt.get(recipient.asString()))
                    .orElseGet(() -> others.apply(recipient))));
    }

    private static Function<MailAddress, RecipientResult> transactionResult(SMTPSendFailedException failure,
                                                                            SmtpHost host, boolean viaFallback) {
        if (DATA_END.equals(failure.getCommand()) && failure.getReturnCode() / 100 == 2) {
            return ignored -> RecipientResult.delivered(host, viaFallback);
        }
        RecipientResult result = RecipientResult.fromFailureCode(failure.getReturnCode(),
            host + " answered " + reply(failure.getMessage()));
        return ignored -> result;
    }

    private static Map<String, RecipientResult> refusedRecipients(SendFailedException exception) {
        Map<String, RecipientResult> refused = new HashMap<>();
        Exception next = exception.getNextException();
        while (next != null) {
            if (next instanceof SMTPAddressFailedException) {
                SMTPAddressFailedException failure = (SMTPAddressFailedException) next;
                refused.put(failure.getAddress().getAddress(), RecipientResult.fromFailureCode(
                    failure.getReturnCode(), "RCPT answered " + reply(failure.getMessage())));
            }
            next = next instanceof MessagingException ? ((MessagingException) next).getNextException() : null;
        }
        return refused;
    }

    private static ImmutableMap<MailAddress, RecipientResult> allDelivered(List<MailAddress> recipients,
                                                                          SmtpHost host, boolean viaFallback) {
        return recipients.stream()
            .collect(ImmutableMap.toImmutableMap(Function.identity(),
                ignored -> RecipientResult.delivered(host, viaFallback)));
    }

    static ImmutableMap<MailAddress, RecipientResult> allRetryLater(List<MailAddress> recipients, String reason) {
        return recipients.stream()
            .collect(ImmutableMap.toImmutableMap(Function.identity(), ignored -> RecipientResult.retryLater(reason)));
    }

    private static String describe(Exception e) {
        StringBuilder description = new StringBuilder(String.valueOf(e.getMessage()).trim());
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            description.append(" (").append(cause.getClass().getSimpleName()).append(": ")
                .append(String.valueOf(cause.getMessage()).trim()).append(')');
        }
        return description.toString();
    }

    private static String reply(String serverResponse) {
        return String.valueOf(serverResponse).trim();
    }

    private static String millis(long value) {
        return String.valueOf(value);
    }
}
