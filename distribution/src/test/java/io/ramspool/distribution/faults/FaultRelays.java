package io.ramspool.distribution.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.ramspool.distribution.RelayWorkingDirectory;
import io.ramspool.distribution.ServerProcess;
import io.ramspool.distribution.Webadmin;

/** Starting relays for the fault suite, and watching them until a scenario has played out. */
public final class FaultRelays {
    public static final String STARTED = "ramspool relay started";
    public static final String RECIPIENT_DOMAIN = RelayWorkingDirectory.REMOTE_DOMAIN;
    public static final String SPOOL_QUEUE = "spool";
    private static final Duration POLL = Duration.ofMillis(500);

    private FaultRelays() {
    }

    /**
     * An edge relay whose recipients' domain goes to {@code mx}, whose fallback gateway listens on
     * {@code fallbackPort}, and whose DSNs reach {@code bounces} (the senders' domain is routed
     * there); a deferred mail is retried every second.
     */
    public static RelayWorkingDirectory edge(Path parent, int mxPort, int fallbackPort, FaultSink bounces) {
        return RelayWorkingDirectory.fromProfile("edge", parent)
            .withRoutes(RECIPIENT_DOMAIN + "=127.0.0.1:" + mxPort + ";" + FaultMail.SENDER_DOMAIN + "=127.0.0.1:"
                + bounces.getPort())
            .withFallbackGateway(fallbackPort)
            .withRetryDelay("1s");
    }

    /**
     * Starts the relay of {@code directory} in a JVM of its own and waits until it says it started.
     * The log of an earlier process on the same directory is moved aside first, so that its
     * "started" line does not count for this one.
     */
    public static ServerProcess start(RelayWorkingDirectory directory) {
        return launch(directory).awaitStarted(directory.getRoot(), STARTED);
    }

    private static ServerProcess launch(RelayWorkingDirectory directory) {
        Path log = directory.getRoot().resolve("logs/james.log");
        try {
            if (Files.exists(log)) {
                Files.move(log, log.resolveSibling("james-" + System.nanoTime() + ".log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ServerProcess.startRelay(directory.getRoot());
    }

    public static long queueSize(RelayWorkingDirectory directory, String queue) {
        JsonNode json = new Webadmin(directory.getWebadminPort()).getJson("/mailQueues/" + queue);
        return json.get("size").asLong();
    }

    /** Mails in the relay's spool store, every queue and repository together. */
    public static long spoolMails(RelayWorkingDirectory directory) {
        return new Webadmin(directory.getWebadminPort()).getJson("/ramspool").get("capacity").get("mails").asLong();
    }

    /** Whether the intake and delivery queues are both empty. */
    public static boolean isDrained(RelayWorkingDirectory directory) {
        return queueSize(directory, SPOOL_QUEUE) == 0
            && queueSize(directory, RelayWorkingDirectory.DELIVERY_QUEUE) == 0;
    }

    /**
     * Counts until {@code done} holds or {@code timeout} passes, then waits {@code settle} more
     * (late duplicates show up then) and counts once more. Never fails: the caller records the
     * counts before it asserts anything.
     */
    public static FaultCounts awaitOutcome(Supplier<FaultCounts> counter, Predicate<FaultCounts> done,
                                           Duration timeout, Duration settle) {
        awaitCondition(() -> done.test(counter.get()), timeout);
        sleep(settle);
        return counter.get();
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; returns whether it held. */
    public static boolean awaitCondition(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (safeTest(condition)) {
                return true;
            }
            sleep(POLL);
        }
        return false;
    }

    private static boolean safeTest(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException e) {
            // A relay still starting answers webadmin with an error; the next poll asks again.
            return false;
        }
    }

    /** Waits until {@code ledger} has at least {@code count} acknowledged pairs, or fails after {@code timeout}. */
    public static void awaitAcknowledged(FaultLedger ledger, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.count(FaultLedger.Fate.ACKNOWLEDGED) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + ledger.count(FaultLedger.Fate.ACKNOWLEDGED) + " of " + count
                    + " mails acknowledged after " + timeout);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** Removes everything in the spool directory and leaves it empty: the RAM disk after a power loss. */
    public static void wipe(Path spool) {
        RelayWorkingDirectory.deleteRecursively(spool);
        try {
            Files.createDirectories(spool);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spool files that are not committed entries: interrupted writes, or anything half-stored. */
    public static long temporaryFiles(Path spool) {
        AtomicLong count = new AtomicLong();
        try {
            Files.walkFileTree(spool, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (file.getFileName().toString().startsWith(".tmp-")) {
                        count.incrementAndGet();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // The running relay moved or delivered the file while we walked: not a leftover.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count.get();
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
