package io.ramspool.distribution.faults;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.common.base.Strings;
import com.google.common.collect.ImmutableList;

/**
 * One mail of a fault scenario: its envelope and its text, identified by a token that is unique in
 * the whole run and travels in its {@code Message-ID} and in an {@value #TOKEN_HEADER} header, so
 * that the sinks can tell which acknowledged mail reached them, and how often.
 */
public record FaultMail(String token, String sender, ImmutableList<String> recipients, String text) {
    public static final String TOKEN_HEADER = "X-Fault-Token";
    public static final String SENDER_DOMAIN = "senders.test";
    private static final Pattern TOKEN = Pattern.compile("(?im)^" + TOKEN_HEADER + ":\\s*([A-Za-z0-9.-]+)");
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    /** A mail for {@code recipients} with a body of about {@code bodyBytes} bytes of 78-character lines. */
    public static FaultMail of(String scenario, List<String> recipients, int bodyBytes) {
        String token = newToken(scenario);
        return new FaultMail(token, "sender@" + SENDER_DOMAIN, ImmutableList.copyOf(recipients),
            headers(token, recipients) + "\r\n" + body(bodyBytes));
    }

    /** A mail whose text the caller writes; {@link #headers} gives the lines that identify it. */
    public static FaultMail withText(String token, List<String> recipients, String text) {
        return new FaultMail(token, "sender@" + SENDER_DOMAIN, ImmutableList.copyOf(recipients), text);
    }

    public static String newToken(String scenario) {
        return scenario + "-" + RUN + "-" + SEQUENCE.incrementAndGet();
    }

    /** The identifying header block of a token's mail, without the blank line that ends it. */
    public static String headers(String token, List<String> recipients) {
        return "From: sender@" + SENDER_DOMAIN + "\r\n"
            + "To: " + String.join(", ", recipients) + "\r\n"
            + "Subject: fault suite " + token + "\r\n"
            + "Message-ID: <" + token + "@faults.test>\r\n"
            + TOKEN_HEADER + ": " + token + "\r\n";
    }

    private static String body(int bodyBytes) {
        String line = Strings.repeat("f", 76) + "\r\n";
        return Strings.repeat(line, Math.max(1, bodyBytes / line.length()));
    }

    /** The text as it goes after DATA: CRLF line ends, dot-stuffed, ended by the final dot. */
    public byte[] dataBytes() {
        String normalized = text.replace("\r\n", "\n").replace("\n", "\r\n");
        String stuffed = normalized.startsWith(".") ? "." + normalized : normalized;
        stuffed = stuffed.replace("\r\n.", "\r\n..");
        return (stuffed + (stuffed.endsWith("\r\n") ? "" : "\r\n") + ".\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Every token named by an {@value #TOKEN_HEADER} line of {@code data}, in order. */
    public static List<String> tokensIn(String data) {
        ImmutableList.Builder<String> tokens = ImmutableList.builder();
        Matcher matcher = TOKEN.matcher(data);
        while (matcher.find()) {
            tokens.add(matcher.group(1));
        }
        return tokens.build();
    }
}
