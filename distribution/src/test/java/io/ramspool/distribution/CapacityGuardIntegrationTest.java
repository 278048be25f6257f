package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Strings;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.ramspool.spool.testing.SmallTmpfs;

/**
 * The relay pushes back before its RAM disk fills. The spool sits on a real 4 MiB tmpfs (mounted by
 * the test as root; elsewhere a 4 MiB size cap on /dev/shm), the gateway is down, and a client keeps
 * sending 64 KiB mails: past the high watermark (50%) RCPT gets 452, health turns degraded and the
 * webadmin status says REFUSING. When the gateway comes back every acknowledged mail is delivered
 * exactly once, the spool drains below the low watermark and intake resumes. With the watermarks
 * out of the way, a mail that no longer fits on the RAM disk gets a 4xx after DATA, never a 250.
 */
class CapacityGuardIntegrationTest {
    private static final int BODY_BYTES = 64 * 1024;
    private static final int SPOOL_BYTES = 4 * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 200;
    private static final String RECIPIENT = "bob@" + RelayWorkingDirectory.REMOTE_DOMAIN;
    private static final int CLIENTS = 4;
    /** Twice what the 4 MiB RAM disk holds below its high watermark. */
    private static final int OVERFLOW_MAILS = 64;
    private static final Pattern STATE_GAUGE = Pattern.compile("(?m)^ramspool_spool_state (\\S+)$");

    @TempDir
    Path temporary;
    private Optional<SmallTmpfs> tmpfs = Optional.empty();
    private RelayWorkingDirectory workingDirectory;
    private RamspoolRelay relay;
    private GreenMail gateway;
    private RecordingSmtpServer recordingGateway;
    private int gatewayPort;
    private Webadmin webadmin;

    @BeforeEach
    void setUp() throws Exception {
        gatewayPort = RelayWorkingDirectory.freeGatewayPort();
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary).withGateway(gatewayPort, "1s");
        tmpfs = SmallTmpfs.tryMount("4m");
        placeSpool();
        webadmin = new Webadmin(workingDirectory.getWebadminPort());
        gateway = new GreenMail(new ServerSetup(gatewayPort, "127.0.0.1", "smtp"));
    }

    private void startRelay(String capacitySettings) {
        workingDirectory.edit("ramspool.properties", "verifyChecksumsOnOpen=true",
            "verifyChecksumsOnOpen=true\n" + capacitySettings);
        relay = RamspoolRelayMain.startRelay(workingDirectory.getRoot());
    }

    /** On the small tmpfs when it could be mounted, else under a size cap of the same size. */
    private void placeSpool() throws Exception {
        String cap = tmpfs.isPresent() ? "512M" : "4M";
        Path spool = tmpfs.map(SmallTmpfs::getMountPoint).orElse(workingDirectory.getSpool());
        String configured = workingDirectory.getSpool().toString();
        workingDirectory.edit("ramspool.properties", "directory=" + configured, "directory=" + spool)
            .edit("ramspool.properties", "maxSize=512M", "maxSize=" + cap)
            .edit("mailrepositorystore.xml", "<directory>" + configured + "</directory>",
                "<directory>" + spool + "</directory>")
            .edit("mailrepositorystore.xml", "<maxSize>512M</maxSize>", "<maxSize>" + cap + "</maxSize>");
        Files.createDirectories(spool);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
        if (recordingGateway != null) {
            recordingGateway.close();
        }
        if (relay != null) {
            relay.close();
        }
        workingDirectory.close();
        if (tmpfs.isPresent()) {
            tmpfs.get().close();
        }
    }

    @Test
    void relayShouldRefuseAtTheWatermarkAndDeliverEveryAcknowledgedMailOnceTheGatewayIsBack() throws Exception {
        startRelay("highWatermark=50%\nlowWatermark=25%");

        Set<String> acknowledged = sendUntilRefused("452 4.3.1");
        JsonNode refusingStatus = webadmin.getJson("/ramspool");
        JsonNode refusingHealth = spoolHealth();
        String refusingMetrics = webadmin.get("/metrics").body();

        gateway.start();

        Awaitility.await().atMost(Duration.ofSeconds(90))
            .until(() -> deliveredMessageIds().size() >= acknowledged.size());
        assertThat(deliveredMessageIds()).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(refusingStatus.get("capacity").get("state").asText()).isEqualTo("REFUSING");
        assertThat(refusingStatus.get("capacity").get("occupiedBytes").asLong())
            .isLessThanOrEqualTo(refusingStatus.get("capacity").get("highWatermarkBytes").asLong() + 2L * BODY_BYTES);
        assertThat(refusingHealth.get("status").asText()).isEqualTo("degraded");
        assertThat(refusingMetrics).containsPattern("(?m)^ramspool_spool_state 1\\.0$");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(spoolHealth().get("status").asText()).isEqualTo("healthy"));
        assertThat(sendOne("<after-drain@client.test>", true)).startsWith("250");
        assertThat(webadmin.getJson("/ramspool").get("capacity").get("state").asText()).isEqualTo("ACCEPTING");
        assertThat(webadmin.get("/metrics").body()).containsPattern("(?m)^ramspool_spool_state 0\\.0$");
    }

    @Test
    void relayUnderLoadWithAStallingFallbackShouldPushBackNeverOverfillAndLoseNothing() throws Exception {
        workingDirectory.edit("mailetcontainer.xml", "<commandTimeout>60s</commandTimeout>",
            "<commandTimeout>2s</commandTimeout>");
        List<JsonNode> stages = new CopyOnWriteArrayList<>();
        try (StallingServer staller = StallingServer.listen(gatewayPort)) {
            startRelay("highWatermark=50%\nlowWatermark=25%");
            stages.add(stage());
            try (LoadClients clients = LoadClients.start(CLIENTS, id -> sendOne(id, true));
                 StageSampler sampler = StageSampler.start(this::stage)) {
                Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> clients.refusals() >= 20);
                stages.add(stage());
                staller.close();
                recordingGateway = RecordingSmtpServer.start(gatewayPort);
                Awaitility.await().atMost(Duration.ofSeconds(120))
                    .until(() -> clients.acceptedSinceRefusals() >= CLIENTS * 2);
                clients.stop();
                Awaitility.await().atMost(Duration.ofSeconds(120))
                    .until(() -> recordingGateway.getAccepted().size() >= clients.acknowledged().size());
                stages.add(awaitStage("healthy"));
                assertThat(sampler.samples()).allSatisfy(sample -> assertThat(occupied(sample))
                    .isLessThanOrEqualTo(highWatermark(sample) + (long) (CLIENTS + 1) * (BODY_BYTES + 1024)));
                assertThat(recordingGateway.getAcceptedMessageIds())
                    .containsExactlyInAnyOrderElementsOf(clients.acknowledged());
                assertThat(clients.unexpectedReplies()).isEmpty();
            }
        }
        assertThat(stages).extracting(stage -> stage.get("health").asText())
            .containsExactly("healthy", "degraded", "healthy");
        assertThat(stages).extracting(stage -> stage.get("state").asText())
            .containsExactly("ACCEPTING", "REFUSING", "ACCEPTING");
        assertThat(stages).extracting(stage -> stage.get("metricState").asText())
            .containsExactly("0.0", "1.0", "0.0");
    }

    @Test
    void overflowToDiskShouldAcceptAboveTheWatermarkAndDeliverEverythingOnceTheGatewayIsBack() throws Exception {
        Path overflow = temporary.resolve("overflow");
        startRelay("highWatermark=50%\nlowWatermark=25%\noverflow=disk\noverflowDirectory=" + overflow
            + "\noverflowMaxSize=64M");
        Set<String> acknowledged = new HashSet<>();
        for (int i = 0; i < OVERFLOW_MAILS; i++) {
            String messageId = "<overflow-" + i + "@client.test>";
            assertThat(sendOne(messageId, true)).as("reply to mail %s", i).startsWith("250");
            acknowledged.add(messageId);
        }
        JsonNode overflowing = webadmin.getJson("/ramspool");
        JsonNode overflowingHealth = spoolHealth();

        recordingGateway = RecordingSmtpServer.start(gatewayPort);

        Awaitility.await().atMost(Duration.ofSeconds(120))
            .until(() -> recordingGateway.getAccepted().size() >= acknowledged.size());
        assertThat(recordingGateway.getAcceptedMessageIds()).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(overflowing.get("overflow").get("mails").asLong()).isPositive();
        assertThat(overflowing.get("overflow").get("diverting").asBoolean()).isTrue();
        assertThat(overflowingHealth.get("status").asText()).isEqualTo("degraded");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(webadmin.getJson("/ramspool").get("overflow").get("mails").asLong()).isZero());
    }

    /** The guard's state, the spool health and the state gauge, read together. */
    private JsonNode stage() {
        ObjectNode stage = JsonNodeFactory.instance.objectNode();
        JsonNode capacity = webadmin.getJson("/ramspool").get("capacity");
        stage.set("capacity", capacity);
        stage.put("state", capacity.get("state").asText());
        stage.put("health", spoolHealth().get("status").asText());
        Matcher gauge = STATE_GAUGE.matcher(webadmin.get("/metrics").body());
        stage.put("metricState", gauge.find() ? gauge.group(1) : "missing");
        return stage;
    }

    private JsonNode awaitStage(String health) {
        Awaitility.await().atMost(Duration.ofSeconds(60))
            .until(() -> stage().get("health").asText().equals(health));
        return stage();
    }

    private static long occupied(JsonNode sample) {
        return sample.get("capacity").get("occupiedBytes").asLong();
    }

    private static long highWatermark(JsonNode sample) {
        return sample.get("capacity").get("highWatermarkBytes").asLong();
    }


    @Test
    void mailThatCannotBeStoredShouldGetA4xxNeverA250() throws Exception {
        // Watermarks out of the way and no SIZE announced: the RAM disk itself runs out of room.
        startRelay("highWatermark=100%\nlowWatermark=90%\nminimumFreeSpace=0");

        Set<String> acknowledged = sendUntilRefused("451", false);

        gateway.start();
        Awaitility.await().atMost(Duration.ofSeconds(90))
            .until(() -> deliveredMessageIds().size() >= acknowledged.size());
        assertThat(deliveredMessageIds()).containsExactlyInAnyOrderElementsOf(acknowledged);
    }

    @Test
    void metricsShouldExposeTheSpoolFiguresInPrometheusFormat() throws Exception {
        startRelay("highWatermark=80%");
        sendOne("<metrics@client.test>", true);

        String metrics = webadmin.get("/metrics").body();

        assertThat(metrics).contains("ramspool_spool_bytes", "ramspool_spool_mails", "ramspool_spool_state",
            "ramspool_spool_availableBytes", "ramspool_spool_enqueuedMails", "ramspool_spool_oldestMailAgeSeconds");
    }

    private Set<String> sendUntilRefused(String expectedRefusal) {
        return sendUntilRefused(expectedRefusal, true);
    }

    /** Sends mails one after the other until the relay refuses three in a row with {@code expectedRefusal}. */
    private Set<String> sendUntilRefused(String expectedRefusal, boolean announceSize) {
        Set<String> acknowledged = new HashSet<>();
        int refusedInARow = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS && refusedInARow < 3; attempt++) {
            String messageId = "<capacity-" + attempt + "@client.test>";
            String reply = sendOne(messageId, announceSize);
            if (reply.startsWith("250")) {
                acknowledged.add(messageId);
                refusedInARow = 0;
            } else {
                assertThat(reply).startsWith(expectedRefusal);
                refusedInARow++;
            }
        }
        assertThat(refusedInARow).as("the relay should refuse before %s mails", MAX_ATTEMPTS).isEqualTo(3);
        assertThat(acknowledged).isNotEmpty();
        return acknowledged;
    }

    /** One transaction; returns the MAIL or RCPT reply when it is not 250, else the reply to the final dot. */
    private String sendOne(String messageId, boolean announceSize) {
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
            String size = announceSize ? " SIZE=" + (BODY_BYTES + 200) : "";
            String mailReply = smtp.command("MAIL FROM:<sender@client.test>" + size);
            if (!mailReply.startsWith("250")) {
                return mailReply;
            }
            String rcptReply = smtp.command("RCPT TO:<" + RECIPIENT + ">");
            if (!rcptReply.startsWith("250")) {
                smtp.command("RSET");
                return rcptReply;
            }
            assertThat(smtp.command("DATA")).startsWith("354");
            return smtp.command("From: sender@client.test\r\nTo: " + RECIPIENT + "\r\nSubject: capacity\r\n"
                + "Message-ID: " + messageId + "\r\n\r\n" + body() + ".");
        }
    }

    private static String body() {
        String line = Strings.repeat("c", 78) + "\r\n";
        return Strings.repeat(line, BODY_BYTES / line.length());
    }

    private JsonNode spoolHealth() {
        JsonNode health = Webadmin.parse(webadmin.get("/healthcheck").body());
        List<JsonNode> checks = Stream.of(health.get("checks"))
            .flatMap(node -> StreamSupport.stream(node.spliterator(), false))
            .filter(check -> check.get("componentName").asText().equals("RAM spool"))
            .collect(Collectors.toList());
        assertThat(checks).as("health checks %s", health).hasSize(1);
        return checks.get(0);
    }

    /** A list, not a set: a mail delivered twice must show. */
    private List<String> deliveredMessageIds() throws MessagingException {
        List<String> ids = new ArrayList<>();
        for (MimeMessage message : gateway.getReceivedMessages()) {
            ids.add(message.getMessageID());
        }
        return ids;
    }
}
