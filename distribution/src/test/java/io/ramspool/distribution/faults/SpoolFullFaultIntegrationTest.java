package io.ramspool.distribution.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.distribution.RelayWorkingDirectory;
import io.ramspool.distribution.ServerProcess;
import io.ramspool.spool.testing.SmallTmpfs;

/**
 * Scenario 3 of the fault suite: the RAM disk fills up. The spool sits on a real small tmpfs
 * (mounted by the test as root; elsewhere a size cap of the same size), the watermarks are out of
 * the way so that the disk itself runs out, the gateway is down, and several clients keep sending
 * 64 KiB mails until each is refused three times in a row. Every refusal must be a 4xx; once the
 * gateway is back, every acknowledged mail must be delivered and intake must resume.
 */
@Tag("faults")
@Tag("slow")
class SpoolFullFaultIntegrationTest {
    private static final int BODY_BYTES = 64 * 1024;
    private static final String RECIPIENT = "bob@" + FaultRelays.RECIPIENT_DOMAIN;

    @TempDir
    Path temporary;

    private Optional<SmallTmpfs> tmpfs = Optional.empty();
    private FaultSink gateway;
    private FaultSink bounces;
    private RelayWorkingDirectory workingDirectory;

    @BeforeEach
    void setUp() throws Exception {
        String size = FaultMode.pick(4, 16) + "M";
        gateway = FaultSink.create("gateway", FaultSink.ReplyPolicy.acceptAll());
        bounces = FaultSink.create("bounces", FaultSink.ReplyPolicy.acceptAll()).start();
        workingDirectory = FaultRelays.edge(temporary, gateway.getPort(), gateway.getPort(), bounces);
        tmpfs = SmallTmpfs.tryMount(size.toLowerCase(Locale.ROOT));
        if (tmpfs.isPresent()) {
            workingDirectory.withSpoolAt(tmpfs.get().getMountPoint(), "512M");
        } else {
            workingDirectory.withSpoolAt(workingDirectory.getSpool(), size);
        }
        workingDirectory.edit("ramspool.properties", "verifyChecksumsOnOpen=true",
            "verifyChecksumsOnOpen=true\nhighWatermark=100%\nlowWatermark=90%\nminimumFreeSpace=0");
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.close();
        bounces.close();
        // Unmount first: the mount point itself cannot be deleted while the tmpfs is on it.
        if (tmpfs.isPresent()) {
            tmpfs.get().close();
        }
        workingDirectory.close();
    }

    @Test
    void relayShouldAnswer4xxWhenTheRamDiskIsFullAndDeliverEveryAcknowledgedMailLater() {
        FaultLedger ledger = new FaultLedger();
        FaultCounts counts;
        try (ServerProcess relay = FaultRelays.start(workingDirectory)) {
            fillUntilRefused(ledger);
            long temporaryFilesWhileFull = FaultRelays.temporaryFiles(workingDirectory.getSpool());
            gateway.start();
            FaultRelays.awaitCondition(() -> count(ledger).lost() == 0 && FaultRelays.isDrained(workingDirectory),
                Duration.ofMinutes(3));
            MailLoad.start(workingDirectory.getSmtpPort(), ledger, 1, 5, this::mail, Duration.ZERO)
                .await(Duration.ofMinutes(1));
            counts = FaultRelays.awaitOutcome(() -> count(ledger), result -> result.lost() == 0,
                Duration.ofMinutes(1), Duration.ofSeconds(2));
            FaultReport.record(counts.withNote((tmpfs.isPresent() ? "real tmpfs " : "size cap ")
                + FaultMode.pick(4, 16) + " MiB; refusals " + ledger.refusalCodes() + "; half-written files while"
                + " full: " + temporaryFilesWhileFull + "; intake resumed after the drain"));
        }

        assertThat(counts.lostPairs()).isEmpty();
        assertThat(counts.refused()).isPositive();
        assertThat(ledger.refusalCodes()).allMatch(code -> code.startsWith("4"));
        assertThat(counts.refusedArrived()).isZero();
        assertThat(counts.duplicates()).isZero();
    }

    /** Clients send until each was refused three times in a row; the 4xx is the expected answer. */
    private void fillUntilRefused(FaultLedger ledger) {
        int clients = FaultMode.pick(3, 6);
        Thread[] threads = new Thread[clients];
        for (int i = 0; i < clients; i++) {
            threads[i] = new Thread(() -> sendUntilRefused(ledger), "fault-fill-" + i);
            threads[i].start();
        }
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofMinutes(3).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void sendUntilRefused(FaultLedger ledger) {
        int refusedInARow = 0;
        for (int attempt = 0; attempt < 2_000 && refusedInARow < 3; attempt++) {
            try (MailClient client = MailClient.connect("127.0.0.1", workingDirectory.getSmtpPort(), ledger)) {
                String reply = client.send(mail());
                refusedInARow = reply.startsWith("250") ? 0 : refusedInARow + 1;
            }
        }
    }

    private FaultMail mail() {
        return FaultMail.of("full", List.of(RECIPIENT), BODY_BYTES);
    }

    private FaultCounts count(FaultLedger ledger) {
        return FaultCounts.count("3 RAM disk full", ledger, List.of(gateway), List.of(bounces));
    }
}
