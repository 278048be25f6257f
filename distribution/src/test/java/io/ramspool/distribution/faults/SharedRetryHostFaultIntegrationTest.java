package io.ramspool.distribution.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.distribution.RelayWorkingDirectory;
import io.ramspool.distribution.ServerProcess;

/**
 * Scenario 10 of the fault suite: several edge relays hand their mail to one retry host (the retry
 * profile: stock RemoteDelivery on a durable spool on disk) because the MX is down; one edge relay
 * is killed with SIGKILL in the middle of the load and started again. Then the MX comes back and
 * the retry host delivers. Nothing acknowledged by an edge may be lost; duplicates are counted.
 */
@Tag("faults")
@Tag("slow")
class SharedRetryHostFaultIntegrationTest {
    private static final String RECIPIENT = "bob@" + FaultRelays.RECIPIENT_DOMAIN;
    private static final String RETRY_DELAYS = "<delayTime>4 * 15 minutes, 4 * 1 hour, 6 * 4 hours, 8 * 8 hours"
        + "</delayTime>";

    @TempDir
    Path temporary;

    private final List<RelayWorkingDirectory> directories = new ArrayList<>();
    private final List<ServerProcess> processes = new ArrayList<>();
    private FaultSink mx;
    private FaultSink bounces;

    @AfterEach
    void tearDown() {
        processes.forEach(ServerProcess::close);
        directories.forEach(RelayWorkingDirectory::close);
        mx.close();
        bounces.close();
    }

    @Test
    void edgeRelaysSharingARetryHostShouldLoseNothingWhenOneIsKilledMidLoad() {
        int edgeCount = FaultMode.pick(2, 3);
        int acknowledged = FaultMode.pick(80, 3000);
        mx = FaultSink.create("mx", FaultSink.ReplyPolicy.acceptAll());
        bounces = FaultSink.create("bounces", FaultSink.ReplyPolicy.acceptAll()).start();
        RelayWorkingDirectory retryHost = retryHost();
        List<RelayWorkingDirectory> edges = new ArrayList<>();
        for (int i = 0; i < edgeCount; i++) {
            edges.add(track(FaultRelays.edge(temporary.resolve("edge" + i), mx.getPort(), retryHost.getSmtpPort(),
                bounces)));
        }
        FaultLedger ledger = new FaultLedger();

        // One after the other: JVMs booting side by side on a busy 2-core machine can miss the start timeout.
        processes.add(FaultRelays.start(retryHost));
        edges.forEach(edge -> processes.add(FaultRelays.start(edge)));
        List<MailLoad> loads = new ArrayList<>();
        edges.forEach(edge -> loads.add(load(edge, ledger)));
        FaultRelays.awaitAcknowledged(ledger, acknowledged / 2, Duration.ofMinutes(5));
        processes.get(1).kill();
        loads.get(0).stop().await(Duration.ofMinutes(1));
        processes.set(1, FaultRelays.start(edges.get(0)));
        loads.set(0, load(edges.get(0), ledger));
        FaultRelays.awaitAcknowledged(ledger, acknowledged, Duration.ofMinutes(5));
        loads.forEach(load -> load.stop().await(Duration.ofMinutes(1)));
        long heldByRetryHost = FaultRelays.queueSize(retryHost, "outgoing");
        mx.start();
        FaultCounts counts = FaultRelays.awaitOutcome(() -> FaultCounts.count("10 " + edgeCount + " edges + retry"
                + " host, one edge SIGKILLed", ledger, List.of(mx), List.of(bounces)),
            result -> result.lost() == 0 && allDrained(edges, retryHost),
            FaultMode.pick(Duration.ofMinutes(3), Duration.ofMinutes(10)), Duration.ofSeconds(3));

        FaultReport.record(counts.withNote(heldByRetryHost + " mails held by the retry host when the MX came back;"
            + " duplicates = mails the killed edge had handed on but not yet removed"));
        assertThat(counts.lostPairs()).isEmpty();
        assertThat(counts.refusedArrived()).isZero();
        assertThat(heldByRetryHost).isPositive();
    }

    private RelayWorkingDirectory retryHost() {
        return track(RelayWorkingDirectory.fromRetryProfile(temporary.resolve("retry"))
            .edit("mailetcontainer.xml", RETRY_DELAYS, "<delayTime>200 * 2 seconds</delayTime>")
            .edit("mailetcontainer.xml", "<maxRetries>22</maxRetries>", "<maxRetries>200</maxRetries>")
            .edit("mailetcontainer.xml", "<outgoing>outgoing</outgoing>", "<outgoing>outgoing</outgoing>\n"
                + "                <gateway>127.0.0.1:" + mx.getPort() + "</gateway>"));
    }

    private RelayWorkingDirectory track(RelayWorkingDirectory directory) {
        directories.add(directory);
        return directory;
    }

    private static MailLoad load(RelayWorkingDirectory edge, FaultLedger ledger) {
        return MailLoad.start(edge.getSmtpPort(), ledger, FaultMode.pick(1, 2), Integer.MAX_VALUE,
            () -> FaultMail.of("shared", List.of(RECIPIENT), 2_000), Duration.ofMillis(FaultMode.pick(40, 10)));
    }

    private static boolean allDrained(List<RelayWorkingDirectory> edges, RelayWorkingDirectory retryHost) {
        return edges.stream().allMatch(FaultRelays::isDrained)
            && FaultRelays.queueSize(retryHost, FaultRelays.SPOOL_QUEUE) == 0
            && FaultRelays.queueSize(retryHost, "outgoing") == 0;
    }
}
