package io.ramspool.distribution.faults;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.ramspool.distribution.SmtpDialogue;

/**
 * Sends fault-suite mails over one SMTP connection and writes what the relay answered into a
 * {@link FaultLedger}, per recipient. A broken connection ends the client: the mail in progress is
 * refused when its data had not been sent in full, unanswered when it had.
 */
public final class MailClient implements AutoCloseable {
    private final SmtpDialogue smtp;
    private final FaultLedger ledger;

    private MailClient(SmtpDialogue smtp, FaultLedger ledger) {
        this.smtp = smtp;
        this.ledger = ledger;
    }

    /** Connects from {@code localAddress}; throws UncheckedIOException when the relay is not there. */
    public static MailClient connect(String localAddress, int port, FaultLedger ledger) {
        return new MailClient(SmtpDialogue.connect(localAddress, port), ledger);
    }

    /**
     * Sends one mail; returns the reply to the final dot, or the reply that refused the whole
     * mail earlier.
     *
     * @throws UncheckedIOException when the connection broke; the ledger already has the mail's fate
     */
    public String send(FaultMail mail) {
        return send(mail, mail.dataBytes(), "");
    }

    /**
     * Like {@link #send(FaultMail)}, with {@code data} written after DATA exactly as given: the
     * caller ends it with the final dot, or not.
     */
    public String send(FaultMail mail, byte[] data) {
        return send(mail, data, "");
    }

    /** Like {@link #send(FaultMail, byte[])}, with ESMTP parameters after MAIL FROM, e.g. " SIZE=1000". */
    public String send(FaultMail mail, byte[] data, String mailParameters) {
        String mailReply = guarded(mail, mail.recipients(),
            () -> smtp.command("MAIL FROM:<" + mail.sender() + ">" + mailParameters));
        if (!mailReply.startsWith("250")) {
            ledger.refused(mail.token(), mail.recipients(), mailReply);
            return mailReply;
        }
        List<String> accepted = new ArrayList<>();
        String lastRefusal = rcpt(mail, accepted);
        if (accepted.isEmpty()) {
            guarded(mail, List.of(), () -> smtp.command("RSET"));
            return "no recipient accepted, last RCPT reply: " + lastRefusal;
        }
        String dataReply = guarded(mail, accepted, () -> smtp.command("DATA"));
        if (!dataReply.startsWith("354")) {
            ledger.refused(mail.token(), accepted, dataReply);
            return dataReply;
        }
        return finish(mail, accepted, data);
    }

    /** Sends every RCPT, adding the accepted recipients to {@code accepted}; returns the last refusal. */
    private String rcpt(FaultMail mail, List<String> accepted) {
        String lastRefusal = "";
        for (int i = 0; i < mail.recipients().size(); i++) {
            String recipient = mail.recipients().get(i);
            List<String> rest = mail.recipients().subList(i, mail.recipients().size());
            String reply = guarded(mail, union(accepted, rest), () -> smtp.command("RCPT TO:<" + recipient + ">"));
            if (reply.startsWith("250")) {
                accepted.add(recipient);
            } else {
                ledger.refused(mail.token(), List.of(recipient), reply);
                lastRefusal = reply;
            }
        }
        return lastRefusal;
    }

    private String finish(FaultMail mail, List<String> accepted, byte[] data) {
        String reply;
        try {
            smtp.write(data);
            reply = smtp.reply();
        } catch (UncheckedIOException e) {
            ledger.unanswered(mail.token(), accepted);
            throw e;
        }
        if (reply.startsWith("250")) {
            ledger.acknowledged(mail.token(), accepted, Instant.now());
        } else {
            ledger.refused(mail.token(), accepted, reply);
        }
        return reply;
    }

    /** Runs one command; when the connection breaks, the given recipients are refused (no data sent yet). */
    private String guarded(FaultMail mail, List<String> recipients, Supplier<String> command) {
        try {
            return command.get();
        } catch (UncheckedIOException e) {
            if (!recipients.isEmpty()) {
                ledger.refused(mail.token(), recipients, "connection lost: " + e.getMessage());
            }
            throw e;
        }
    }

    private static List<String> union(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** The connection under this client, for raw writes between mails. */
    public SmtpDialogue dialogue() {
        return smtp;
    }

    @Override
    public void close() {
        smtp.close();
    }
}
