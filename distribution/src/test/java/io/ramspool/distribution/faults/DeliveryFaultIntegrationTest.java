package io.ramspool.distribution.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.distribution.RelayWorkingDirectory;
import io.ramspool.distribution.ServerProcess;
import io.ramspool.distribution.Webadmin;

/**
 * Scenarios 4 and 5 of the fault suite, about the far side of the relay: the fallback gateway is
 * down for a while with the MX down too (4), and the MX answers 4xx and 5xx at random while the
 * fallback gateway answers 4xx at random for a while (5).
 */
@Tag("faults")
@Tag("slow")
class DeliveryFaultIntegrationTest {
    private static final Pattern DEFERRED = Pattern.compile("(?m)^oneShotDelivery:deferred\\S* ([0-9.]+)");

    @TempDir
    Path temporary;

    private FaultSink mx;
    private FaultSink gateway;
    private FaultSink bounces;
    private RelayWorkingDirectory workingDirectory;

    @AfterEach
    void tearDown() {
        for (FaultSink sink : new FaultSink[] {mx, gateway, bounces}) {
            if (sink != null) {
                sink.close();
            }
        }
        workingDirectory.close();
    }

    @Test
    void relayShouldDeliverEverythingOnceTheFallbackGatewayIsBackAfterAnOutage() {
        Duration outage = FaultMode.pick(Duration.ofSeconds(20), Duration.ofMinutes(3));
        int mails = FaultMode.pick(60, 900);
        gateway = FaultSink.create("gateway", FaultSink.ReplyPolicy.acceptAll());
        bounces = FaultSink.create("bounces", FaultSink.ReplyPolicy.acceptAll()).start();
        int deadMx = RelayWorkingDirectory.freeGatewayPort();
        workingDirectory = FaultRelays.edge(temporary, deadMx, gateway.getPort(), bounces)
            .edit("mailetcontainer.xml", "<maxRetryDelay>1s</maxRetryDelay>", "<maxRetryDelay>8s</maxRetryDelay>");
        FaultLedger ledger = new FaultLedger();

        FaultCounts counts;
        try (ServerProcess relay = FaultRelays.start(workingDirectory)) {
            Duration pause = outage.dividedBy(mails);
            MailLoad.start(workingDirectory.getSmtpPort(), ledger, 1, mails,
                () -> FaultMail.of("outage", List.of("bob@" + FaultRelays.RECIPIENT_DOMAIN), 4_000), pause)
                .await(outage.plusMinutes(2));
            long waitingAtRecovery = FaultRelays.queueSize(workingDirectory, RelayWorkingDirectory.DELIVERY_QUEUE);
            long recoveredAt = System.nanoTime();
            gateway.start();
            counts = FaultRelays.awaitOutcome(() -> count("4 fallback gateway down " + outage.toSeconds() + " s",
                ledger, List.of(gateway)), result -> result.lost() == 0, Duration.ofMinutes(2), Duration.ofSeconds(2));
            long drainSeconds = Duration.ofNanos(System.nanoTime() - recoveredAt).toSeconds();
            FaultReport.record(counts.withNote(waitingAtRecovery + " deferred in the RAM spool when the gateway came"
                + " back; delivered within " + drainSeconds + " s (retry delay 1 s doubling to 8 s)"));
        }

        assertThat(counts.lostPairs()).isEmpty();
        assertThat(counts.acknowledged()).isEqualTo(mails);
        assertThat(counts.duplicates()).isZero();
    }

    @Test
    void everyRecipientShouldEndDeliveredOrBouncedWhenTheMxAnswers4xxAnd5xxAtRandom() {
        int mails = FaultMode.pick(40, 400);
        mx = FaultSink.create("mx", FaultSink.ReplyPolicy.random(7, 0.25, 0.25)).start();
        gateway = FaultSink.create("gateway", FaultSink.ReplyPolicy.random(11, 0.4, 0)).start();
        bounces = FaultSink.create("bounces", FaultSink.ReplyPolicy.acceptAll()).start();
        workingDirectory = FaultRelays.edge(temporary, mx.getPort(), gateway.getPort(), bounces);
        FaultLedger ledger = new FaultLedger();

        FaultCounts counts;
        try (ServerProcess relay = FaultRelays.start(workingDirectory)) {
            MailLoad.start(workingDirectory.getSmtpPort(), ledger, 2, mails / 2, this::threeRecipientMail,
                Duration.ZERO).await(Duration.ofMinutes(3));
            FaultRelays.awaitCondition(() -> gateway.getTemporaryReplies() > 0, Duration.ofSeconds(30));
            gateway.withPolicy(FaultSink.ReplyPolicy.acceptAll());
            counts = FaultRelays.awaitOutcome(() -> count("5 MX answers 4xx/5xx at random", ledger, List.of(mx,
                gateway)), result -> result.lost() == 0, Duration.ofMinutes(2), Duration.ofSeconds(3));
            String deferred = deferredRecipients();
            FaultReport.record(counts.withNote("3 recipients per mail; MX gave " + mx.getTemporaryReplies()
                + " 4xx and " + mx.getPermanentReplies() + " 5xx, fallback gateway " + gateway.getTemporaryReplies()
                + " 4xx; recipients deferred on the way: " + deferred));
        }

        assertThat(counts.lostPairs()).isEmpty();
        assertThat(counts.bounced()).isPositive();
        assertThat(counts.delivered()).isPositive();
        assertThat(counts.duplicates()).isZero();
    }

    private FaultMail threeRecipientMail() {
        String domain = "@" + FaultRelays.RECIPIENT_DOMAIN;
        return FaultMail.of("random", List.of("ann" + domain, "bob" + domain, "cid" + domain), 3_000);
    }

    private String deferredRecipients() {
        String metrics = new Webadmin(workingDirectory.getWebadminPort()).get("/metrics").body();
        Matcher matcher = DEFERRED.matcher(metrics);
        return matcher.find() ? matcher.group(1) : "n/a";
    }

    private FaultCounts count(String scenario, FaultLedger ledger, List<FaultSink> deliverySinks) {
        return FaultCounts.count(scenario, ledger, deliverySinks, List.of(bounces));
    }
}
