package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.mail.internet.MimeMessage;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * James's own memory server (its main class, on a classpath without any ramspool class), with
 * the mailets jar in its extensions-jars folder and {@code io.ramspool.mailets.OneShotRemoteDelivery}
 * named in its mailetcontainer.xml (the edge profile's), delivers through that mailet to a
 * GreenMail server. Its queues, including the mailet's own, are James's memory queues.
 */
class DropInOneShotDeliveryIntegrationTest {
    private static final int GATEWAY_PORT = RelayWorkingDirectory.freeGatewayPort();

    @RegisterExtension
    static GreenMailExtension gateway = new GreenMailExtension(new ServerSetup(GATEWAY_PORT, "127.0.0.1", "smtp"));

    @TempDir
    Path temporary;

    private RelayWorkingDirectory workingDirectory;

    @AfterEach
    void cleanUp() {
        workingDirectory.close();
    }

    @Test
    void stockMemoryServerShouldDeliverThroughOneShotMailetFromExtensionsJars() throws Exception {
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary)
            .forStockServer()
            .withGateway(GATEWAY_PORT, "1 second");

        try (ServerProcess stock = ServerProcess.startStockMemoryServer(workingDirectory.getRoot())
            .awaitStarted(workingDirectory.getRoot(), "JAMES server started")) {
            String reply;
            try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
                reply = smtp.send("sender@client.test", "bob@remote.example", "From: sender@client.test\r\n"
                    + "To: bob@remote.example\r\nSubject: drop-in\r\nMessage-ID: <drop-in@client.test>\r\n"
                    + "\r\nbody\r\n");
            }

            assertThat(reply).startsWith("250");
            Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.getReceivedMessages().length == 1);
            MimeMessage received = gateway.getReceivedMessages()[0];
            assertThat(received.getMessageID()).isEqualTo("<drop-in@client.test>");
            assertThat(received.getHeader("Return-Path")).containsExactly("<sender@client.test>");
            String log = Files.readString(workingDirectory.getRoot().resolve("logs/james.log"));
            assertThat(log).contains("One-shot delivery started queue=oneshot-outgoing")
                .containsPattern("Delivery pass done mail=\\S+ outcome=direct host=127\\.0\\.0\\.1:" + GATEWAY_PORT);
            stock.stop();
        }
    }
}
