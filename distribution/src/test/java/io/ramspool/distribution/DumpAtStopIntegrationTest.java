package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.base.Strings;

/**
 * The edge profile's dump at stop and reload at start, with real relay processes: mail queued
 * when the relay stops comes back exactly once after the RAM spool is wiped (a reboot), and a dump
 * that a later run made stale is never replayed (no mail delivered twice after a power loss).
 */
class DumpAtStopIntegrationTest {
    private static final String STARTED = "ramspool relay started";
    private static final int MAILS = 20;
    private static final int LARGE_BODY = 1024 * 1024;

    @TempDir
    Path temporary;

    private int gatewayPort;
    private RelayWorkingDirectory workingDirectory;
    /** Not GreenMail: GreenMail 1.6 answers 503 to RCPT after a null reverse-path. */
    private RecordingSmtpServer gateway;

    @BeforeEach
    void createWorkingDirectory() {
        gatewayPort = RelayWorkingDirectory.freeGatewayPort();
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary).withGateway(gatewayPort, "1s");
    }

    @AfterEach
    void cleanUp() {
        if (gateway != null) {
            gateway.close();
        }
        workingDirectory.close();
    }

    @Test
    void mailQueuedAtStopShouldBeDeliveredExactlyOnceAfterTheRamSpoolIsWiped() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        try (ServerProcess first = startRelay()) {
            for (int i = 0; i < MAILS; i++) {
                acknowledged.add(sendMail(i));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> deliveryQueueSize() == MAILS);
            first.stop();
        }
        assertThat(dumpDirectory().resolve("CURRENT")).exists();

        wipeRamSpool();
        startGateway();
        try (ServerProcess second = startRelay()) {
            awaitDeliveries(MAILS);
            second.stop();
        }

        assertThat(gateway.getAcceptedMessageIds()).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(nullSenderDeliveries()).isEqualTo(MAILS / 5);
        assertThat(log()).contains("Spool reloaded");
    }

    @Test
    void powerLossAfterARestartShouldNotDeliverAgainWhatTheRestartedRelayDelivered() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        try (ServerProcess first = startRelay()) {
            for (int i = 0; i < 3; i++) {
                acknowledged.add(sendMail(i));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> deliveryQueueSize() == 3);
            first.stop();
        }
        startGateway();
        try (ServerProcess restarted = startRelay()) {
            awaitDeliveries(3);
            restarted.kill();
        }

        wipeRamSpool();
        try (ServerProcess afterPowerLoss = startRelay()) {
            assertThat(deliveryQueueSize()).isZero();
            afterPowerLoss.stop();
        }

        assertThat(gateway.getAcceptedMessageIds()).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(log()).contains("Spool already holds mail, the dump is not replayed", "No spool dump to reload");
    }

    /** Waits for {@code count} mails at the gateway; on timeout, fails with the relay's log tail. */
    private void awaitDeliveries(int count) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> gateway.getAcceptedMessageIds().size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Path kept = Path.of("target", "DumpAtStopIntegrationTest-" + System.nanoTime() + ".log");
            try {
                Files.copy(workingDirectory.getRoot().resolve("logs/james.log"), kept);
            } catch (IOException copyFailure) {
                e.addSuppressed(copyFailure);
            }
            throw new AssertionError("expected " + count + " deliveries, got " + gateway.getAccepted().size()
                + "; the relay's log is kept in " + kept.toAbsolutePath(), e);
        }
    }

    private ServerProcess startRelay() {
        return ServerProcess.startRelay(workingDirectory.getRoot()).awaitStarted(workingDirectory.getRoot(), STARTED);
    }

    /** Every fifth mail has the null sender, every seventh a 1 MiB body. */
    private String sendMail(int index) {
        String messageId = "<dump-" + index + "@client.test>";
        String sender = index % 5 == 0 ? "" : "sender@client.test";
        String body = index % 7 == 0 ? Strings.repeat(Strings.repeat("d", 76) + "\r\n", LARGE_BODY / 78) : "body\r\n";
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
            String reply = smtp.send(sender, "bob@" + RelayWorkingDirectory.REMOTE_DOMAIN,
                "From: sender@client.test\r\nTo: bob@remote.example\r\nSubject: dump at stop\r\nMessage-ID: "
                    + messageId + "\r\n\r\n" + body);
            assertThat(reply).startsWith("250");
        }
        return messageId;
    }

    private void startGateway() {
        gateway = RecordingSmtpServer.start(gatewayPort);
    }

    /** What a reboot does to a tmpfs: the spool directory comes back empty. */
    private void wipeRamSpool() throws IOException {
        RelayWorkingDirectory.deleteRecursively(workingDirectory.getSpool());
        Files.createDirectories(workingDirectory.getSpool());
    }

    private long deliveryQueueSize() {
        Webadmin webadmin = new Webadmin(workingDirectory.getWebadminPort());
        return webadmin.getJson("/mailQueues/" + RelayWorkingDirectory.DELIVERY_QUEUE).get("size").asLong();
    }


    private long nullSenderDeliveries() {
        return gateway.getAccepted().stream().filter(transaction -> transaction.sender().isEmpty()).count();
    }

    private Path dumpDirectory() {
        return workingDirectory.getRoot().resolve("var/dump");
    }

    private String log() {
        try {
            return Files.readString(workingDirectory.getRoot().resolve("logs/james.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
