package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.mail.internet.MimeMessage;

import org.apache.james.cli.ServerCmd;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

/** The edge profile, booted in this JVM through the launcher, with GreenMail as its gateway. */
class EdgeRelayIntegrationTest {
    private static final int GATEWAY_PORT = RelayWorkingDirectory.freeGatewayPort();

    @RegisterExtension
    static GreenMailExtension gateway = new GreenMailExtension(new ServerSetup(GATEWAY_PORT, "127.0.0.1", "smtp"))
        .withPerMethodLifecycle(false);

    @TempDir
    static Path temporary;

    private static RelayWorkingDirectory workingDirectory;
    private static RamspoolRelay testee;
    private static Webadmin webadmin;

    @BeforeAll
    static void startRelay() {
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary)
            .withGateway(GATEWAY_PORT, "1 second");
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
    void relayShouldDeliverToGatewayWithHeadersIntact() throws Exception {
        String message = "From: sender@client.test\r\nTo: bob@remote.example\r\nSubject: headers intact\r\n"
            + "Message-ID: <intact-1@client.test>\r\nX-Ramspool-Test: kept as sent\r\n\r\nbody line\r\n";

        String reply;
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
            reply = smtp.send("sender@client.test", "bob@remote.example", message);
        }

        assertThat(reply).startsWith("250");
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> gateway.getReceivedMessagesForDomain("remote.example").length == 1);
        MimeMessage received = gateway.getReceivedMessagesForDomain("remote.example")[0];
        assertThat(received.getSubject()).isEqualTo("headers intact");
        assertThat(received.getMessageID()).isEqualTo("<intact-1@client.test>");
        assertThat(received.getHeader("X-Ramspool-Test")).containsExactly("kept as sent");
        assertThat(received.getHeader("From")).containsExactly("sender@client.test");
        assertThat(GreenMailUtil.getBody(received)).contains("body line");
    }

    @Test
    void relayShouldRefuseToRelayForUnauthenticatedClientOutsideAuthorizedNetworks() {
        String reply;
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.2", workingDirectory.getSmtpPort())) {
            smtp.command("MAIL FROM:<outsider@client.test>");
            reply = smtp.command("RCPT TO:<victim@remote.example>");
        }

        assertThat(reply).matches("(530|550).*");
    }

    @Test
    void quotedRemoteAddressAtALocalDomainShouldBeRefusedForGood() {
        String reply;
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.2", workingDirectory.getSmtpPort())) {
            smtp.command("MAIL FROM:<outsider@client.test>");
            reply = smtp.command("RCPT TO:<\"victim@remote.example\"@localhost>");
        }

        assertThat(reply).startsWith("550 5.1.1");
    }

    @Test
    void relayShouldDeliverMailForLocalUserFromOutsideAuthorizedNetworksToMailbox() {
        assertThat(webadmin.request("PUT", "/domains/local.test", null).statusCode()).isEqualTo(204);
        assertThat(webadmin.request("PUT", "/users/alice@local.test", "{\"password\":\"secret\"}").statusCode())
            .isEqualTo(204);

        String reply;
        try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.2", workingDirectory.getSmtpPort())) {
            reply = smtp.send("friend@client.test", "alice@local.test",
                "From: friend@client.test\r\nTo: alice@local.test\r\nSubject: for a local user\r\n\r\nhello\r\n");
        }

        assertThat(reply).startsWith("250");
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> webadmin.get("/users/alice@local.test/mailboxes/INBOX/messageCount").body().equals("1"));
    }

    @Test
    void healthcheckShouldAnswer() {
        JsonNode health = webadmin.getJson("/healthcheck");

        assertThat(health.get("status").asText()).isIn("healthy", "degraded");
        assertThat(health.get("checks").size()).isGreaterThan(0);
    }

    @Test
    void jamesCliShouldAddAndListDomainOverJmx() throws Exception {
        String password = Files.readString(workingDirectory.getRoot().resolve("conf/jmxremote.password"),
            StandardCharsets.US_ASCII).trim().split(" ")[1];

        runCli(password, "AddDomain", "cli.test");
        String domains = runCli(password, "ListDomains");

        assertThat(domains).contains("cli.test");
    }

    @Test
    void adminInterfacesShouldListenOnLoopbackOnly() {
        List<InetSocketAddress> listening = ListeningSockets.of(ProcessHandle.current().pid());

        assertThat(listening).extracting(InetSocketAddress::getPort)
            .contains(workingDirectory.getWebadminPort(), workingDirectory.getJmxPort());
        // SMTP, GreenMail, webadmin, the JMX registry and the JMX connector's anonymous RMI port.
        assertThat(listening).hasSizeGreaterThanOrEqualTo(5)
            .allSatisfy(address -> assertThat(address.getAddress().isLoopbackAddress())
                .as("listening address %s", address).isTrue());
    }

    private static String runCli(String password, String... command) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String[] arguments = new String[6 + command.length];
        String[] connection = {"-h", "127.0.0.1", "-p", String.valueOf(workingDirectory.getJmxPort()),
            "--username=james-admin", "--password=" + password};
        System.arraycopy(connection, 0, arguments, 0, 6);
        System.arraycopy(command, 0, arguments, 6, command.length);
        try (PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            ServerCmd.executeAndOutputToStream(arguments, stream);
        }
        return output.toString(StandardCharsets.UTF_8);
    }
}
