package io.ramspool.benchmarks.smtpclient;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * One mail as the delivery mailet holds it: an envelope with one recipient and a parsed
 * {@link MimeMessage}, which each client writes out itself for every send. Not thread-safe (the
 * message is not): each connection gets its own.
 *
 * @param sender envelope sender, never the null sender here
 * @param recipient the one envelope recipient
 * @param message the message, as parsed from {@code size} bytes
 * @param size the message size in bytes, declared with SIZE when the server offers it
 */
record BenchmarkMail(String sender, String recipient, MimeMessage message, int size) {
    static final String SENDER = "sender@bench.ramspool.test";
    static final String RECIPIENT = "rcpt@sink.ramspool.test";
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final int LINE_LENGTH = 76;

    /** Parses {@code content} into a mail from {@link #SENDER} to {@link #RECIPIENT}. */
    static BenchmarkMail of(byte[] content) {
        try {
            MimeMessage message = new MimeMessage(SESSION, new SharedByteArrayInputStream(content));
            return new BenchmarkMail(SENDER, RECIPIENT, message, content.length);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("benchmark message does not parse", e);
        }
    }

    /**
     * A plain text MIME message of about {@code totalBytes} bytes (never less than its headers),
     * CRLF line ends. Every tenth body line starts with a dot, so both clients do dot-stuffing.
     */
    static byte[] contentOfSize(int totalBytes) {
        StringBuilder text = new StringBuilder(totalBytes + LINE_LENGTH)
            .append("From: Bench Sender <").append(SENDER).append(">\r\n")
            .append("To: <").append(RECIPIENT).append(">\r\n")
            .append("Subject: SMTP client benchmark, ").append(totalBytes).append(" bytes\r\n")
            .append("Date: Thu, 3 Dec 2026 10:00:00 +0000\r\n")
            .append("Message-ID: <smtp-client-benchmark-").append(totalBytes)
            .append("@bench.ramspool.test>\r\n")
            .append("MIME-Version: 1.0\r\n")
            .append("Content-Type: text/plain; charset=us-ascii\r\n")
            .append("Content-Transfer-Encoding: 7bit\r\n")
            .append("\r\n");
        appendBody(text, totalBytes);
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void appendBody(StringBuilder text, int totalBytes) {
        for (int line = 0; text.length() + 2 < totalBytes; line++) {
            int length = Math.min(LINE_LENGTH, totalBytes - text.length() - 2);
            char first = line % 10 == 9 ? '.' : (char) ('a' + line % 26);
            text.append(first);
            for (int i = 1; i < length; i++) {
                text.append((char) ('a' + (line + i) % 26));
            }
            text.append("\r\n");
        }
    }
}
