package io.ramspool.distribution.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.collect.Sets;

import io.ramspool.distribution.RelayWorkingDirectory;
import io.ramspool.distribution.ServerProcess;
import io.ramspool.distribution.Webadmin;
import io.ramspool.distribution.faults.FaultLedger.Pair;

/**
 * Scenarios 1 and 2 of the fault suite: the relay's JVM is killed with SIGKILL while clients send
 * to it, then started again on the same spool (1), or on a wiped spool as after a power loss, with
 * the continuous checkpoint on and off (2). The MX host answers slowly, so that a backlog sits in
 * the spool when the kill comes.
 */
@Tag("faults")
@Tag("slow")
class RelayCrashFaultIntegrationTest {
    private static final String RECIPIENT = "bob@" + FaultRelays.RECIPIENT_DOMAIN;
    private static final Duration CHECKPOINT_LAG = Duration.ofSeconds(1);
    private static final Duration DRAIN_TIMEOUT = FaultMode.pick(Duration.ofMinutes(3),
        Duration.ofMinutes(10));
    /** Long enough for a backlog older than the checkpoint lag: the mail the checkpoint must bring back. */
    private static final Duration LOAD_TIME = FaultMode.pick(Duration.ofSeconds(4), Duration.ofSeconds(30));
    /** A slow MX keeps a backlog in the spool, the mail a crash or a power loss puts at risk. */
    private static final Duration MX_DELAY = Duration.ofMillis(FaultMode.pick(60, 10));
    private static final Duration CLIENT_PAUSE = Duration.ofMillis(FaultMode.pick(20, 10));

    @TempDir
    Path temporary;

    private FaultSink mx;
    private FaultSink gateway;
    private FaultSink bounces;
    private RelayWorkingDirectory workingDirectory;

    @BeforeEach
    void setUp() {
        mx = FaultSink.create("mx", FaultSink.ReplyPolicy.acceptAll()).withDotDelay(MX_DELAY).start();
        gateway = FaultSink.create("gateway", FaultSink.ReplyPolicy.acceptAll()).start();
        bounces = FaultSink.create("bounces", FaultSink.ReplyPolicy.acceptAll()).start();
        workingDirectory = FaultRelays.edge(temporary, mx.getPort(), gateway.getPort(), bounces);
    }

    @AfterEach
    void tearDown() {
        mx.close();
        gateway.close();
        bounces.close();
        workingDirectory.close();
    }

    @Test
    void relayShouldDeliverEveryAcknowledgedMailWhenKilledUnderLoadAndRestartedOnTheSameSpool() {
        FaultLedger ledger = new FaultLedger();
        int kills = FaultMode.pick(1, 3);
        for (int kill = 0; kill < kills; kill++) {
            killUnderLoad(ledger, FaultMode.pick(100, 1500));
        }

        FaultCounts counts = restartAndCount("1 SIGKILL under load, restart on the same spool", ledger,
            result -> result.lost() == 0);

        FaultReport.record(counts.withNote(kills + " kill(s); duplicates = mails being handed to the MX at the kill"));
        assertThat(counts.lostPairs()).isEmpty();
        assertThat(counts.acknowledged()).isPositive();
        assertThat(counts.refusedArrived()).isZero();
    }

    @Test
    void relayShouldBringBackEveryMailAcknowledgedBeforeTheCheckpointLagWhenTheRamDiskIsWiped() {
        workingDirectory.withDumpSettings("dumpDirectory=" + temporary.resolve("dump") + "\ncheckpoint=true\n"
            + "checkpointLag=" + CHECKPOINT_LAG.toMillis() + "ms\n");
        FaultLedger ledger = new FaultLedger();

        Instant killedAt = killUnderLoad(ledger, FaultMode.pick(100, 2000));
        FaultRelays.wipe(workingDirectory.getSpool());
        Set<Pair> window = ledger.acknowledgedAfter(killedAt.minus(CHECKPOINT_LAG));
        FaultCounts counts = restartAndCount("2a power loss, checkpoint on (lag 1 s)", ledger,
            result -> window.containsAll(result.lostPairs()));

        Set<Pair> lostOutsideWindow = Sets.difference(counts.lostPairs(), window);
        FaultReport.record(counts.withNote("lost within the lag window: " + counts.lost() + " of "
            + window.size() + " acknowledged in the last second; lost outside it: " + lostOutsideWindow.size()));
        assertThat(lostOutsideWindow).isEmpty();
        assertThat(counts.refusedArrived()).isZero();
    }

    @Test
    void relayShouldRestartOnAWipedRamDiskAndReportTheMailsLostWithoutCheckpoint() {
        FaultLedger ledger = new FaultLedger();

        killUnderLoad(ledger, FaultMode.pick(100, 2000));
        FaultRelays.wipe(workingDirectory.getSpool());
        FaultCounts counts = restartAndCount("2b power loss, no checkpoint", ledger, result -> true);

        FaultReport.record(counts.withNote("documented power-loss window: every mail not yet delivered at the"
            + " loss (" + counts.lost() + ")"));
        assertThat(counts.delivered() + counts.bounced() + counts.lost()).isEqualTo(counts.acknowledged());
        assertThat(counts.refusedArrived()).isZero();
    }

    /**
     * Starts the relay and sends to it for at least {@link #LOAD_TIME} and until {@code acknowledged}
     * more mails are acknowledged, then kills it; returns the moment just before the kill.
     */
    private Instant killUnderLoad(FaultLedger ledger, int acknowledged) {
        int target = ledger.count(FaultLedger.Fate.ACKNOWLEDGED) + acknowledged;
        try (ServerProcess relay = FaultRelays.start(workingDirectory)) {
            awaitCheckpointRunning();
            MailLoad load = MailLoad.start(workingDirectory.getSmtpPort(), ledger, FaultMode.pick(2, 8),
                Integer.MAX_VALUE, () -> FaultMail.of("crash", List.of(RECIPIENT), 2_000), CLIENT_PAUSE);
            FaultRelays.sleep(LOAD_TIME);
            FaultRelays.awaitAcknowledged(ledger, target, Duration.ofMinutes(5));
            Instant killedAt = Instant.now();
            relay.kill();
            load.stop().await(Duration.ofMinutes(1));
            return killedAt;
        }
    }

    /** With the checkpoint on, its bound holds only once it runs; without it this returns at once. */
    private void awaitCheckpointRunning() {
        Webadmin webadmin = new Webadmin(workingDirectory.getWebadminPort());
        FaultRelays.awaitCondition(() -> !webadmin.getJson("/ramspool").get("dump").path("checkpoint").toString()
            .contains("STARTING"), Duration.ofSeconds(30));
    }

    /** Restarts the relay, sends a little more, and counts until {@code done} and the queues are empty. */
    private FaultCounts restartAndCount(String scenario, FaultLedger ledger,
                                        Predicate<FaultCounts> done) {
        try (ServerProcess relay = FaultRelays.start(workingDirectory)) {
            MailLoad.start(workingDirectory.getSmtpPort(), ledger, 2, FaultMode.pick(10, 200),
                () -> FaultMail.of("crash", List.of(RECIPIENT), 2_000), Duration.ZERO).await(Duration.ofMinutes(5));
            FaultCounts counts = FaultRelays.awaitOutcome(() -> count(scenario, ledger),
                result -> done.test(result) && FaultRelays.isDrained(workingDirectory), DRAIN_TIMEOUT,
                Duration.ofSeconds(2));
            return counts;
        }
    }

    private FaultCounts count(String scenario, FaultLedger ledger) {
        return FaultCounts.count(scenario, ledger, List.of(mx, gateway), List.of(bounces));
    }
}
