package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.tools.ExitCodes;
import io.ramspool.tools.RamspoolCommand;

/**
 * {@code ramspool status} and {@code ramspool live-dump} against a running relay: the tool finds
 * the webadmin from the relay's conf/, prints the queues and capacity, and has the relay dump its
 * spool while it runs; with the continuous checkpoint on, a live dump is refused with the reason.
 */
class RamspoolToolIntegrationTest {
    private static final int MAILS = 3;

    @TempDir
    Path temporary;

    private RelayWorkingDirectory workingDirectory;
    private RamspoolRelay relay;

    private record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void setUp() {
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary)
            .withGateway(RelayWorkingDirectory.freeGatewayPort(), "1m");
    }

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        workingDirectory.close();
    }

    @Test
    void statusShouldShowTheRunningRelaysQueuesAndCapacity() {
        startRelayWithQueuedMail();

        Result status = run("status", "--conf", conf().toString());

        assertThat(status.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(status.out()).contains("durability: ramdisk", "state: ACCEPTING",
            "name: " + RelayWorkingDirectory.DELIVERY_QUEUE, "waiting: " + MAILS, "dumpOnStop: true");
    }

    @Test
    void liveDumpShouldWriteTheRunningSpoolToTheDumpDirectory() {
        startRelayWithQueuedMail();

        Result dump = run("live-dump", "--conf", conf().toString());

        assertThat(dump.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(dump.out()).contains("mails: " + MAILS, "damagedEntries: 0");
        assertThat(workingDirectory.getRoot().resolve("var/dump/CURRENT")).exists();
        assertThat(run("status", "--conf", conf().toString(), "--json").out())
            .contains("\"lastDump\"", "\"mails\" : " + MAILS);
    }

    @Test
    void liveDumpShouldBeRefusedWithTheReasonWhileTheCheckpointRuns() {
        workingDirectory.edit("ramspool-dump.properties", "checkpoint=false", "checkpoint=true");
        startRelayWithQueuedMail();

        Result dump = run("live-dump", "--conf", conf().toString());

        assertThat(dump.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(dump.err()).contains("409", "continuous checkpoint");
    }

    private void startRelayWithQueuedMail() {
        relay = RamspoolRelayMain.startRelay(workingDirectory.getRoot());
        for (int i = 0; i < MAILS; i++) {
            try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
                assertThat(smtp.send("sender@client.test", "bob@" + RelayWorkingDirectory.REMOTE_DOMAIN,
                    "Subject: tool\r\nMessage-ID: <tool-" + i + "@client.test>\r\n\r\nbody\r\n")).startsWith("250");
            }
        }
        Webadmin webadmin = new Webadmin(workingDirectory.getWebadminPort());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> webadmin
            .getJson("/mailQueues/" + RelayWorkingDirectory.DELIVERY_QUEUE).get("size").asLong() == MAILS);
    }

    private Path conf() {
        return workingDirectory.getRoot().resolve("conf");
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = RamspoolCommand.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
