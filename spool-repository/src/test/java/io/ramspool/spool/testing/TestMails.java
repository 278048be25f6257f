package io.ramspool.spool.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.base.test.FakeMail;

import com.google.common.base.Strings;

/** Builds mails with a body of a chosen size, for spool tests and benchmarks. */
public final class TestMails {
    private static final Session SESSION = Session.getInstance(new Properties());

    private TestMails() {
    }

    /** Raw MIME text of about {@code bodyBytes} bytes of body, lines of 78 characters. */
    public static byte[] rawMessage(String name, int bodyBytes) {
        StringBuilder message = new StringBuilder()
            .append("From: sender@example.com\r\n")
            .append("To: rcpt@example.org\r\n")
            .append("Subject: spool test ").append(name).append("\r\n")
            .append("Message-ID: <").append(name).append("@ramspool.test>\r\n")
            .append("\r\n");
        String line = Strings.repeat("x", 76) + "\r\n";
        for (int written = 0; written < bodyBytes; written += line.length()) {
            message.append(line);
        }
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static MimeMessage mimeMessage(String name, int bodyBytes) throws MessagingException {
        return new MimeMessage(SESSION, new ByteArrayInputStream(rawMessage(name, bodyBytes)));
    }

    public static byte[] asBytes(MimeMessage message) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** A mail holding its MimeMessage as is (James's MailImpl would copy it to a temporary file). */
    public static FakeMail mail(String name, int bodyBytes) throws MessagingException {
        return FakeMail.builder()
            .name(name)
            .sender("sender@example.com")
            .recipient("rcpt@example.org")
            .mimeMessage(mimeMessage(name, bodyBytes))
            .build();
    }
}
