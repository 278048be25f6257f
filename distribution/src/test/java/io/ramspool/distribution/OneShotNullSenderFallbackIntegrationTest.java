package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge profile as shipped, with the recipient domain's MX down: a null-sender mail (a bounce
 * or DSN) that fails temporarily keeps its null sender and reaches the fallback gateway, where
 * stock RemoteDelivery with {@code maxRetries=0} would drop it. The gateway is a recording SMTP
 * server because GreenMail 1.6 refuses RCPT after {@code MAIL FROM:<>}.
 */
class OneShotNullSenderFallbackIntegrationTest {
    private static final String MX_DOWN_DOMAIN = "mx-down.example";

    @TempDir
    static Path temporary;

    private static RecordingSmtpServer fallbackGateway;
    private static RelayWorkingDirectory workingDirectory;
    private static RamspoolRelay testee;
    private static Webadmin webadmin;

    @BeforeAll
    static void startRelay() {
        int fallbackPort = RelayWorkingDirectory.freeGatewayPort();
        int deadMxPort = RelayWorkingDirectory.freeGatewayPort();
        fallbackGateway = RecordingSmtpServer.start(fallbackPort);
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary)
            .withRoutes(MX_DOWN_DOMAIN + "=127.0.0.1:" + deadMxPort)
            .withFallbackGateway(fallbackPort);
        testee = RamspoolRelayMain.startRelay(workingDirectory.getRoot());
        webadmin = new Webadmin(workingDirectory.getWebadminPort());
    }

    @AfterAll
    static void stopRelay() {
        if (testee != null) {
            testee.close();
        }
        fallbackGateway.close();
        workingDirectory.close();
    }

    @Test
    void fallbackGatewayShouldReceiveNullSenderMailWhenMxIsDown() {
        String message = "From: MAILER-DAEMON@client.test\r\nTo: bob@mx-down.example\r\nSubject: a bounce\r\n"
            + "Message-ID: <fallback-null-sender@client.test>\r\n\r\nDelivery failed.\r\n";

        String reply;
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
            reply = smtp.send("", "bob@" + MX_DOWN_DOMAIN, message);
        }

        assertThat(reply).startsWith("250");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fallbackGateway.getAccepted().size() == 1);
        RecordingSmtpServer.Transaction received = fallbackGateway.getAccepted().get(0);
        assertThat(received.sender()).isEmpty();
        assertThat(received.recipients()).containsExactly("bob@mx-down.example");
        assertThat(received.data()).contains("Message-ID: <fallback-null-sender@client.test>\r\n",
            "Subject: a bounce\r\n", "\r\n\r\nDelivery failed.\r\n");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deliveryQueueSize() == 0);
    }

    private static long deliveryQueueSize() {
        return webadmin.getJson("/mailQueues/" + RelayWorkingDirectory.DELIVERY_QUEUE).get("size").asLong();
    }
}
