package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * James's webadmin /mailQueues routes over our queues. The gateway is down at first, so relayed
 * mail waits in the one-shot mailet's queue with a one-hour retry delay until a test flushes or
 * clears it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailQueueRoutesIntegrationTest {
    private static final int GATEWAY_PORT = RelayWorkingDirectory.freeGatewayPort();
    private static final String QUEUE = RelayWorkingDirectory.DELIVERY_QUEUE;

    @TempDir
    static Path temporary;

    private static RelayWorkingDirectory workingDirectory;
    private static RamspoolRelay relay;
    private static Webadmin testee;

    @BeforeAll
    static void startRelay() {
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary).withGateway(GATEWAY_PORT, "1 hour");
        relay = RamspoolRelayMain.startRelay(workingDirectory.getRoot());
        testee = new Webadmin(workingDirectory.getWebadminPort());
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
        workingDirectory.close();
    }

    @Test
    @Order(1)
    void mailQueuesShouldListBrowseAndFlushOurQueues() {
        sendMail("<flush-1@client.test>");
        sendMail("<flush-2@client.test>");
        // Wait for the first, failed attempt: then both mails are delayed for an hour.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> delayedOutgoingMails() == 2);
        GreenMail gateway = new GreenMail(new ServerSetup(GATEWAY_PORT, "127.0.0.1", "smtp"));
        gateway.start();

        try {
            assertThat(testee.getJson("/mailQueues")).extracting(JsonNode::asText).contains("spool", QUEUE);
            JsonNode browsed = testee.getJson("/mailQueues/" + QUEUE + "/mails");
            assertThat(browsed).hasSize(2);
            assertThat(browsed.get(0).get("recipients").get(0).asText()).isEqualTo("bob@remote.example");
            int flushStatus = testee.request("PATCH", "/mailQueues/" + QUEUE + "/mails?delayed=true",
                "{\"delayed\": false}").statusCode();

            assertThat(flushStatus).isEqualTo(204);
            assertThat(delayedOutgoingMails()).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.getReceivedMessages().length == 2);
        } finally {
            gateway.stop();
        }
    }

    @Test
    @Order(2)
    void mailQueuesShouldClearOurQueue() {
        sendMail("<clear@client.test>");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outgoingSize() >= 1);

        JsonNode task = testee.awaitTask(testee.request("DELETE", "/mailQueues/" + QUEUE + "/mails", null));

        assertThat(task.get("status").asText()).isEqualTo("completed");
        assertThat(outgoingSize()).isZero();
    }

    private static long delayedOutgoingMails() {
        JsonNode browsed = testee.getJson("/mailQueues/" + QUEUE + "/mails");
        long delayed = 0;
        for (JsonNode mail : browsed) {
            if (mail.hasNonNull("nextDelivery") && Instant.parse(mail.get("nextDelivery").asText())
                .isAfter(Instant.now().plus(Duration.ofMinutes(10)))) {
                delayed++;
            }
        }
        return delayed;
    }

    private static long outgoingSize() {
        return testee.getJson("/mailQueues/" + QUEUE).get("size").asLong();
    }

    private static void sendMail(String messageId) {
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
            String reply = smtp.send("sender@client.test", "bob@remote.example", "From: sender@client.test\r\n"
                + "To: bob@remote.example\r\nSubject: queued\r\nMessage-ID: " + messageId + "\r\n\r\nbody\r\n");
            assertThat(reply).startsWith("250");
        }
    }
}
