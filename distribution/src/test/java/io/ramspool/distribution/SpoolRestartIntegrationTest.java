package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import javax.mail.internet.MimeMessage;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Mail that a relay could not deliver (its gateway is down) survives the relay's process: a new
 * process on the same spool directory delivers it once the gateway is back. Each relay runs in
 * a JVM of its own so that SIGTERM and SIGKILL are real.
 */
class SpoolRestartIntegrationTest {
    private static final String STARTED = "ramspool relay started";

    @TempDir
    Path temporary;

    private int gatewayPort;
    private RelayWorkingDirectory workingDirectory;
    private GreenMail gateway;

    @BeforeEach
    void createWorkingDirectory() {
        gatewayPort = RelayWorkingDirectory.freeGatewayPort();
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary).withGateway(gatewayPort, "1 second");
    }

    @AfterEach
    void cleanUp() {
        if (gateway != null) {
            gateway.stop();
        }
        workingDirectory.close();
    }

    @Test
    void mailQueuedAtCleanStopShouldBeDeliveredByNextProcess() throws Exception {
        try (ServerProcess first = startRelay()) {
            assertThat(sendMail("<clean-stop@client.test>")).startsWith("250");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outgoingSize() == 1);
            first.stop();
        }
        assertThat(spoolEntries()).isPositive();

        assertDeliveredByNewProcess("<clean-stop@client.test>");
    }

    @Test
    void mailAcceptedBeforeSigkillShouldBeDeliveredByNextProcess() throws Exception {
        try (ServerProcess first = startRelay()) {
            assertThat(sendMail("<sigkill@client.test>")).startsWith("250");
            first.kill();
        }

        assertDeliveredByNewProcess("<sigkill@client.test>");
    }

    @Test
    void relayShouldExitWithClearMessageWhenSpoolDirectoryIsMissing() throws Exception {
        RelayWorkingDirectory.deleteRecursively(workingDirectory.getSpool());

        int status;
        String output;
        try (ServerProcess relay = ServerProcess.startRelay(workingDirectory.getRoot())) {
            status = relay.waitForExit();
            output = relay.getOutput();
        }

        assertThat(status).isEqualTo(1);
        assertThat(output).contains("ramspool relay cannot start: spool directory " + workingDirectory.getSpool()
            + " does not exist");
    }

    private void assertDeliveredByNewProcess(String messageId) throws Exception {
        gateway = new GreenMail(new ServerSetup(gatewayPort, "127.0.0.1", "smtp"));
        gateway.start();

        try (ServerProcess second = startRelay()) {
            Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> gateway.getReceivedMessages().length >= 1);
            second.stop();
        }

        MimeMessage[] received = gateway.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getMessageID()).isEqualTo(messageId);
    }

    private ServerProcess startRelay() {
        return ServerProcess.startRelay(workingDirectory.getRoot()).awaitStarted(workingDirectory.getRoot(), STARTED);
    }

    private String sendMail(String messageId) {
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
            return smtp.send("sender@client.test", "bob@remote.example", "From: sender@client.test\r\n"
                + "To: bob@remote.example\r\nSubject: survives restarts\r\nMessage-ID: " + messageId
                + "\r\n\r\nbody\r\n");
        }
    }

    private long outgoingSize() {
        Webadmin webadmin = new Webadmin(workingDirectory.getWebadminPort());
        return webadmin.getJson("/mailQueues/" + RelayWorkingDirectory.DELIVERY_QUEUE).get("size").asLong();
    }

    private long spoolEntries() throws IOException {
        try (Stream<Path> files = Files.walk(workingDirectory.getSpool())) {
            return files.filter(path -> path.toString().endsWith(".msg")).count();
        }
    }
}
