package io.ramspool.distribution.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.base.Strings;
import com.google.common.collect.ImmutableList;

import io.ramspool.distribution.RelayWorkingDirectory;
import io.ramspool.distribution.ServerProcess;
import io.ramspool.distribution.SmtpDialogue;

/**
 * Scenarios 6, 7 and 9 of the fault suite, on one relay whose message size limit is 1 MiB: malformed
 * SMTP (6), oversize mail (7) and relay attempts from outside the authorised networks (9). The relay
 * must answer every session sensibly, stay up, deliver what it acknowledged, store nothing of what
 * it refused, and relay nothing for 127.0.0.2 (only 127.0.0.1 is authorised).
 */
@Tag("faults")
@Tag("slow")
class SmtpAbuseFaultIntegrationTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final String OUTSIDER = "127.0.0.2";
    private static final List<String> RECIPIENT = List.of("bob@" + FaultRelays.RECIPIENT_DOMAIN);
    private static final int SIZE_LIMIT = 1024 * 1024;
    private static final Duration SHORT_READ = Duration.ofSeconds(3);
    /**
     * The relay's answer, after the final dot, to a mail with a line over 8192 bytes: James alone
     * answered 500 in the middle of the data and then took the mail without the line.
     */
    private static final String LINE_TOO_LONG = "500 5.5.2 Line too long: 1 line(s) of the message exceed the"
        + " server's limit";

    @TempDir
    static Path temporary;

    private static FaultSink mx;
    private static FaultSink gateway;
    private static FaultSink bounces;
    private static RelayWorkingDirectory workingDirectory;
    private static ServerProcess relay;

    @BeforeAll
    static void startRelay() {
        mx = FaultSink.create("mx", FaultSink.ReplyPolicy.acceptAll()).start();
        gateway = FaultSink.create("gateway", FaultSink.ReplyPolicy.acceptAll()).start();
        bounces = FaultSink.create("bounces", FaultSink.ReplyPolicy.acceptAll()).start();
        workingDirectory = FaultRelays.edge(temporary, mx.getPort(), gateway.getPort(), bounces)
            .edit("smtpserver.xml", "<maxmessagesize>25M</maxmessagesize>", "<maxmessagesize>1M</maxmessagesize>");
        relay = FaultRelays.start(workingDirectory);
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
        mx.close();
        gateway.close();
        bounces.close();
        workingDirectory.close();
    }

    @Test
    void relayShouldAnswerMalformedSmtpSensiblyAndDeliverWhatItAcknowledges() {
        FaultLedger ledger = new FaultLedger();
        Map<String, String> observed = new LinkedHashMap<>();
        int rounds = FaultMode.pick(1, 10);

        for (int round = 0; round < rounds; round++) {
            playMalformedSessions(ledger, observed);
        }
        boolean aliveAfterAbuse = relay.isAlive();
        String normal = sendQuietly(ledger, LOOPBACK, FaultMail.of("abuse", RECIPIENT, 1_000));
        FaultCounts counts = awaitDelivery("6 malformed SMTP", ledger);

        FaultReport.record(counts.withNote(observed.size() + " kinds of session x " + rounds + "; relay alive: "
            + aliveAfterAbuse + "; a normal mail after them: " + code(normal) + "; refused yet delivered: "
            + counts.refusedArrived()));
        counts.refusedArrivedPairs().forEach(pair -> observed.put("REFUSED YET DELIVERED " + pair.token(),
            ledger.replyOf(pair).orElse("?")));
        FaultReport.detail("6 malformed SMTP: what the relay answered", observed);
        assertThat(aliveAfterAbuse).isTrue();
        assertThat(normal).startsWith("250");
        assertThat(counts.lostPairs()).isEmpty();
        assertThat(counts.refusedArrivedPairs()).isEmpty();
        assertThat(observed).containsEntry("header line of 200 KB", LINE_TOO_LONG)
            .containsEntry("body line of 600 KB", LINE_TOO_LONG);
        assertThat(counts.duplicates()).isZero();
    }

    private void playMalformedSessions(FaultLedger ledger, Map<String, String> observed) {
        observed.put("command line of 100 KB", longCommandLine());
        observed.put("header line of 200 KB", sendQuietly(ledger, LOOPBACK, mailWithText("X-Long: "
            + Strings.repeat("h", 200_000) + "\r\n\r\nbody\r\n")));
        observed.put("body line of 600 KB", sendQuietly(ledger, LOOPBACK, mailWithText("\r\n"
            + Strings.repeat("b", 600_000) + "\r\n")));
        observed.put("whole session with bare LF", bareLfSession(ledger));
        observed.put("bare LF dot inside DATA (smuggling attempt)", bareLfDotInData(ledger));
        observed.put("NUL bytes in header and body", nulBytesInData(ledger));
        observed.put("NUL byte in MAIL FROM", command("MAIL FROM:<nul\0user@senders.test>"));
        observed.put("8-bit headers (raw UTF-8 and Latin-1)", eightBitHeaders(ledger));
        observed.put("3 mails pipelined in one write", pipelinedBurst(ledger));
        observed.put("100 RCPT pipelined", manyRecipientsPipelined(ledger));
        observed.put("message text before DATA", textBeforeData(ledger));
        observed.put("4 KiB of binary garbage", binaryGarbage());
        observed.put("connection dropped inside DATA", droppedInsideData(ledger));
    }

    @Test
    void relayShouldRefuseOversizeMailWithoutStoringAnyOfIt() {
        FaultLedger ledger = new FaultLedger();
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put("SIZE=2000000 announced", sendWithSize(ledger, FaultMail.of("oversize", RECIPIENT, 100),
            2_000_000));
        observed.put("2 MiB sent without SIZE", sendQuietly(ledger, LOOPBACK, oversize()));
        observed.put("SIZE=1000 announced, 2 MiB sent", sendWithSize(ledger, oversize(), 1_000));
        String underLimit = sendQuietly(ledger, LOOPBACK, FaultMail.of("oversize", RECIPIENT, SIZE_LIMIT - 100_000));
        observed.put("900 KiB, under the limit", underLimit);
        FaultCounts counts = awaitDelivery("7 oversize mail (limit 1 MiB)", ledger);
        long halfStored = FaultRelays.temporaryFiles(workingDirectory.getSpool());
        long mailsLeft = FaultRelays.spoolMails(workingDirectory);

        FaultReport.record(counts.withNote("refusals " + ledger.refusalCodes() + "; half-written spool files: "
            + halfStored + "; mails left in the spool: " + mailsLeft));
        FaultReport.detail("7 oversize mail: what the relay answered", observed);
        assertThat(ledger.refusalCodes()).isNotEmpty().allMatch(code -> code.matches("[45]\\d\\d"));
        assertThat(counts.refused()).isEqualTo(3);
        assertThat(counts.refusedArrived()).isZero();
        assertThat(underLimit).startsWith("250");
        assertThat(counts.lostPairs()).isEmpty();
        assertThat(halfStored).isZero();
        assertThat(mailsLeft).isZero();
    }

    @Test
    void relayShouldRefuseToRelayForClientsOutsideTheAuthorisedNetworks() {
        FaultLedger ledger = new FaultLedger();
        Map<String, String> observed = new LinkedHashMap<>();
        List<String> tokens = new ArrayList<>();
        List<String> attempts = List.of("victim@remote.example", "VICTIM@REMOTE.EXAMPLE",
            "@127.0.0.1:victim@remote.example",
            "victim%remote.example@localhost", "\"victim@remote.example\"@localhost", "victim@remote.example.",
            "victim@[127.0.0.1]", "postmaster@remote.example");

        for (String recipient : attempts) {
            observed.put("RCPT TO:<" + recipient + ">", relayAttempt(ledger, tokens, "sender@senders.test", recipient));
        }
        observed.put("MAIL FROM a local address", relayAttempt(ledger, tokens, "postmaster@localhost",
            "victim@remote.example"));
        FaultCounts counts = awaitDelivery("9 relay attempts from 127.0.0.2", ledger);
        long relayed = relayedTransactions(tokens);

        FaultReport.record(counts.withNote("relayed to a remote sink: " + relayed + "; refusals "
            + ledger.refusalCodes()));
        FaultReport.detail("9 relay attempts from 127.0.0.2: what the relay answered", observed);
        assertThat(relayed).isZero();
        assertThat(counts.acknowledged()).isZero();
        assertThat(counts.refused()).isEqualTo(counts.sent());
    }

    private static String relayAttempt(FaultLedger ledger, List<String> tokens, String sender, String recipient) {
        String token = FaultMail.newToken("outsider");
        tokens.add(token);
        FaultMail mail = new FaultMail(token, sender, ImmutableList.of(recipient),
            FaultMail.headers(token, List.of(recipient)) + "\r\nrelay me\r\n");
        return sendQuietly(ledger, OUTSIDER, mail);
    }

    private static long relayedTransactions(List<String> tokens) {
        Set<String> outsiderTokens = Set.copyOf(tokens);
        return ImmutableList.<FaultSink.Transaction>builder().addAll(mx.getAccepted()).addAll(gateway.getAccepted())
            .build().stream()
            .filter(transaction -> FaultMail.tokensIn(transaction.data()).stream().anyMatch(outsiderTokens::contains))
            .count();
    }

    private static FaultCounts awaitDelivery(String scenario, FaultLedger ledger) {
        return FaultRelays.awaitOutcome(() -> FaultCounts.count(scenario, ledger, List.of(mx, gateway),
                List.of(bounces)), result -> result.lost() == 0 && FaultRelays.isDrained(workingDirectory),
            Duration.ofMinutes(1), Duration.ofSeconds(2));
    }

    private static String sendQuietly(FaultLedger ledger, String localAddress, FaultMail mail) {
        return quietly(() -> {
            try (MailClient client = MailClient.connect(localAddress, workingDirectory.getSmtpPort(), ledger)) {
                return client.send(mail);
            }
        });
    }

    private static String sendWithSize(FaultLedger ledger, FaultMail mail, long announced) {
        return quietly(() -> {
            try (MailClient client = MailClient.connect(LOOPBACK, workingDirectory.getSmtpPort(), ledger)) {
                return client.send(mail, mail.dataBytes(), " SIZE=" + announced);
            }
        });
    }

    private static FaultMail oversize() {
        return FaultMail.of("oversize", RECIPIENT, 2 * SIZE_LIMIT);
    }

    private static FaultMail mailWithText(String afterHeaders) {
        String token = FaultMail.newToken("abuse");
        return FaultMail.withText(token, RECIPIENT, FaultMail.headers(token, RECIPIENT) + afterHeaders);
    }

    private static String longCommandLine() {
        return command("MAIL FROM:<" + Strings.repeat("a", 100_000) + "@senders.test>");
    }

    private static String command(String line) {
        return quietly(() -> {
            try (SmtpDialogue smtp = SmtpDialogue.connect(LOOPBACK, workingDirectory.getSmtpPort())) {
                return smtp.command(line);
            }
        });
    }

    private static String bareLfSession(FaultLedger ledger) {
        String token = FaultMail.newToken("abuse");
        return quietly(() -> {
            try (SmtpDialogue smtp = SmtpDialogue.connect(LOOPBACK, workingDirectory.getSmtpPort())) {
                smtp.withReadTimeout(SHORT_READ);
                List<String> replies = new ArrayList<>();
                for (String line : List.of("RSET", "MAIL FROM:<sender@senders.test>",
                    "RCPT TO:<" + RECIPIENT.get(0) + ">", "DATA")) {
                    smtp.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                    replies.add(code(smtp.reply()));
                }
                String data = FaultMail.headers(token, RECIPIENT).replace("\r\n", "\n") + "\nbare LF body\n.\n";
                return String.join(",", replies) + " then " + finishRaw(smtp, ledger, token, data.getBytes(
                    StandardCharsets.US_ASCII));
            }
        });
    }

    /** A bare-LF dot followed by a second transaction: a relay that ends DATA there takes two mails. */
    private static String bareLfDotInData(FaultLedger ledger) {
        String first = FaultMail.newToken("abuse");
        String second = FaultMail.newToken("abuse");
        String data = FaultMail.headers(first, RECIPIENT) + "\r\nfirst part\n.\nMAIL FROM:<sender@senders.test>\r\n"
            + "RCPT TO:<" + RECIPIENT.get(0) + ">\r\nDATA\r\n" + FaultMail.headers(second, RECIPIENT)
            + "\r\nsmuggled\r\n.\r\n";
        return quietly(() -> {
            try (MailClient client = MailClient.connect(LOOPBACK, workingDirectory.getSmtpPort(), ledger)) {
                String reply = client.send(FaultMail.withText(first, RECIPIENT, ""), data.getBytes(
                    StandardCharsets.US_ASCII));
                List<String> extra = drainReplies(client.dialogue()).stream()
                    .map(SmtpAbuseFaultIntegrationTest::code).toList();
                int dataReply = extra.indexOf("354");
                if (dataReply >= 0 && extra.size() > dataReply + 1 && extra.get(dataReply + 1).equals("250")) {
                    ledger.acknowledged(second, RECIPIENT, Instant.now());
                    return reply + "; the bare-LF dot ended DATA and a second mail was taken: " + extra;
                }
                return reply + "; the bare-LF dot stayed content (extra replies: " + extra + ")";
            }
        });
    }

    private static String nulBytesInData(FaultLedger ledger) {
        return sendQuietly(ledger, LOOPBACK, mailWithText("X-Nul: a\0b\r\n\r\nnul\0byte in the body\r\n"));
    }

    private static String eightBitHeaders(FaultLedger ledger) {
        String token = FaultMail.newToken("abuse");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(FaultMail.headers(token, RECIPIENT).getBytes(StandardCharsets.US_ASCII));
        data.writeBytes("X-Utf8: Grüße ☃ naïve\r\n".getBytes(StandardCharsets.UTF_8));
        data.writeBytes("X-Latin1: caf\u00e9\r\n\r\n8-bit body: \u00e9t\u00e9\r\n.\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        return quietly(() -> {
            try (MailClient client = MailClient.connect(LOOPBACK, workingDirectory.getSmtpPort(), ledger)) {
                return client.send(FaultMail.withText(token, RECIPIENT, ""), data.toByteArray());
            }
        });
    }

    private static String pipelinedBurst(FaultLedger ledger) {
        List<FaultMail> mails = List.of(FaultMail.of("abuse", RECIPIENT, 500), FaultMail.of("abuse", RECIPIENT, 500),
            FaultMail.of("abuse", RECIPIENT, 500));
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (FaultMail mail : mails) {
            burst.writeBytes(("MAIL FROM:<" + mail.sender() + ">\r\nRCPT TO:<" + RECIPIENT.get(0) + ">\r\nDATA\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            burst.writeBytes(mail.dataBytes());
        }
        return quietly(() -> {
            try (SmtpDialogue smtp = SmtpDialogue.connect(LOOPBACK, workingDirectory.getSmtpPort())) {
                smtp.withReadTimeout(SHORT_READ);
                smtp.write(burst.toByteArray());
                List<String> replies = new ArrayList<>();
                for (FaultMail mail : mails) {
                    List<String> four = List.of(code(smtp.reply()), code(smtp.reply()), code(smtp.reply()),
                        smtp.reply());
                    recordByFinalReply(ledger, mail.token(), RECIPIENT, four.get(2).equals("354") ? four.get(3) : "");
                    replies.add(String.join(",", four.subList(0, 3)) + "," + code(four.get(3)));
                }
                return String.join(" / ", replies);
            }
        });
    }

    private static String manyRecipientsPipelined(FaultLedger ledger) {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            recipients.add("r" + i + "@" + FaultRelays.RECIPIENT_DOMAIN);
        }
        FaultMail mail = FaultMail.of("abuse", recipients, 500);
        StringBuilder burst = new StringBuilder("MAIL FROM:<" + mail.sender() + ">\r\n");
        recipients.forEach(recipient -> burst.append("RCPT TO:<").append(recipient).append(">\r\n"));
        burst.append("DATA\r\n");
        return quietly(() -> {
            try (SmtpDialogue smtp = SmtpDialogue.connect(LOOPBACK, workingDirectory.getSmtpPort())) {
                smtp.write(burst.toString().getBytes(StandardCharsets.US_ASCII));
                String mailReply = smtp.reply();
                List<String> accepted = new ArrayList<>();
                for (String recipient : recipients) {
                    if (smtp.reply().startsWith("250")) {
                        accepted.add(recipient);
                    } else {
                        ledger.refused(mail.token(), List.of(recipient), "refused in the burst");
                    }
                }
                String dataReply = smtp.reply();
                smtp.write(mail.dataBytes());
                String dot = smtp.reply();
                recordByFinalReply(ledger, mail.token(), accepted, dataReply.startsWith("354") ? dot : "");
                return code(mailReply) + ", " + accepted.size() + " RCPT accepted, " + code(dataReply) + ", "
                    + code(dot);
            }
        });
    }

    private static String textBeforeData(FaultLedger ledger) {
        return quietly(() -> {
            try (MailClient client = MailClient.connect(LOOPBACK, workingDirectory.getSmtpPort(), ledger)) {
                SmtpDialogue smtp = client.dialogue();
                List<String> replies = new ArrayList<>();
                replies.add(code(smtp.command("MAIL FROM:<sender@senders.test>")));
                replies.add(code(smtp.command("RCPT TO:<" + RECIPIENT.get(0) + ">")));
                for (String line : List.of("From: sender@senders.test", "Subject: no DATA", "", "body", ".")) {
                    replies.add(code(smtp.command(line)));
                }
                replies.add(code(smtp.command("RSET")));
                String proper = client.send(FaultMail.of("abuse", RECIPIENT, 500));
                return String.join(",", replies) + " then a proper mail: " + proper;
            }
        });
    }

    private static String binaryGarbage() {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        for (int i = 100; i < garbage.length; i += 300) {
            garbage[i] = '\n';
        }
        return quietly(() -> {
            try (SmtpDialogue smtp = SmtpDialogue.connect(LOOPBACK, workingDirectory.getSmtpPort())) {
                smtp.withReadTimeout(SHORT_READ);
                smtp.write(garbage);
                List<String> replies = drainReplies(smtp);
                return replies.size() + " replies: " + replies.stream().map(SmtpAbuseFaultIntegrationTest::code)
                    .distinct().collect(Collectors.joining(","));
            }
        });
    }

    private static String droppedInsideData(FaultLedger ledger) {
        FaultMail mail = FaultMail.of("abuse", RECIPIENT, 20_000);
        byte[] data = mail.dataBytes();
        return quietly(() -> {
            try (SmtpDialogue smtp = SmtpDialogue.connect(LOOPBACK, workingDirectory.getSmtpPort())) {
                smtp.command("MAIL FROM:<" + mail.sender() + ">");
                smtp.command("RCPT TO:<" + RECIPIENT.get(0) + ">");
                smtp.command("DATA");
                smtp.write(Arrays.copyOf(data, data.length / 2));
                ledger.refused(mail.token(), RECIPIENT, "client dropped the connection inside DATA");
                smtp.abort();
                return "dropped; the mail must never arrive";
            }
        });
    }

    private static String finishRaw(SmtpDialogue smtp, FaultLedger ledger, String token, byte[] data) {
        try {
            smtp.write(data);
            String reply = smtp.reply();
            recordByFinalReply(ledger, token, RECIPIENT, reply);
            return code(reply);
        } catch (UncheckedIOException e) {
            ledger.unanswered(token, RECIPIENT);
            throw e;
        }
    }

    private static void recordByFinalReply(FaultLedger ledger, String token, List<String> recipients, String reply) {
        if (recipients.isEmpty()) {
            return;
        }
        if (reply.startsWith("250")) {
            ledger.acknowledged(token, recipients, Instant.now());
        } else {
            ledger.refused(token, recipients, reply.isEmpty() ? "DATA refused" : reply);
        }
    }

    /** Reads replies until none comes within the short read timeout or the server closes. */
    private static List<String> drainReplies(SmtpDialogue smtp) {
        smtp.withReadTimeout(SHORT_READ);
        List<String> replies = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                replies.add(smtp.reply());
            }
        } catch (UncheckedIOException e) {
            replies.add("(" + e.getCause().getClass().getSimpleName() + ")");
        }
        return replies;
    }

    private static String code(String reply) {
        return reply.length() >= 3 ? reply.substring(0, 3) : reply;
    }

    /** Runs one session; a connection the relay closed is an answer too, and is reported as such. */
    private static String quietly(Supplier<String> session) {
        try {
            return session.get();
        } catch (UncheckedIOException e) {
            return "connection closed by the relay (" + e.getCause().getClass().getSimpleName() + ")";
        }
    }
}
