package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The edge profile as shipped (OneShotRemoteDelivery), booted in this JVM through the launcher:
 * the recipient domain's only MX is down (a static route to a closed loopback port), so the mail
 * goes to the fallback gateway, a GreenMail server standing in for the retry host.
 */
class OneShotFallbackIntegrationTest {
    private static final String MX_DOWN_DOMAIN = "mx-down.example";
    private static final int FALLBACK_PORT = RelayWorkingDirectory.freeGatewayPort();

    @RegisterExtension
    static GreenMailExtension fallbackGateway = new GreenMailExtension(
        new ServerSetup(FALLBACK_PORT, "127.0.0.1", "smtp"))
        .withPerMethodLifecycle(false);

    @TempDir
    static Path temporary;

    private static RelayWorkingDirectory workingDirectory;
    private static RamspoolRelay testee;
    private static Webadmin webadmin;

    @BeforeAll
    static void startRelay() {
        // Free now and closed while the relay runs: a refused connection, the plainest "MX down".
        int deadMxPort = RelayWorkingDirectory.freeGatewayPort();
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary)
            .withRoutes(MX_DOWN_DOMAIN + "=127.0.0.1:" + deadMxPort)
            .withFallbackGateway(FALLBACK_PORT);
        testee = RamspoolRelayMain.startRelay(workingDirectory.getRoot());
        webadmin = new Webadmin(workingDirectory.getWebadminPort());
    }

    @AfterAll
    static void stopRelay() {
        if (testee != null) {
            testee.close();
        }
        workingDirectory.close();
    }

    @Test
    void fallbackGatewayShouldReceiveMailWithHeadersIntactWhenMxIsDown() throws Exception {
        String message = "From: sender@client.test\r\nTo: bob@mx-down.example\r\nSubject: mx down\r\n"
            + "Message-ID: <fallback-1@client.test>\r\nX-Ramspool-Test: kept as sent\r\n\r\nbody line\r\n";

        String reply = send("sender@client.test", "bob@" + MX_DOWN_DOMAIN, message);

        assertThat(reply).startsWith("250");
        MimeMessage received = awaitAtFallback("<fallback-1@client.test>");
        assertThat(received.getSubject()).isEqualTo("mx down");
        assertThat(received.getHeader("X-Ramspool-Test")).containsExactly("kept as sent");
        assertThat(received.getHeader("From")).containsExactly("sender@client.test");
        assertThat(received.getHeader("To")).containsExactly("bob@mx-down.example");
        assertThat(received.getHeader("Return-Path")).containsExactly("<sender@client.test>");
        assertThat(GreenMailUtil.getBody(received)).contains("body line");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deliveryQueueSize() == 0);
    }

    private static String send(String sender, String recipient, String message) {
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
            return smtp.send(sender, recipient, message);
        }
    }

    private static MimeMessage awaitAtFallback(String messageId) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> findAtFallback(messageId) != null);
        return findAtFallback(messageId);
    }

    private static MimeMessage findAtFallback(String messageId) {
        return Arrays.stream(fallbackGateway.getReceivedMessages())
            .filter(message -> messageId.equals(messageIdOf(message)))
            .findFirst()
            .orElse(null);
    }

    private static String messageIdOf(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException("unreadable Message-ID at the fallback gateway", e);
        }
    }

    private static long deliveryQueueSize() {
        return webadmin.getJson("/mailQueues/" + RelayWorkingDirectory.DELIVERY_QUEUE).get("size").asLong();
    }
}
