package io.ramspool.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.IntStream;

import io.ramspool.benchmarks.relay.SendReport;
import io.ramspool.benchmarks.relay.ServerProcess;
import io.ramspool.benchmarks.relay.SinkSmtpServer;
import io.ramspool.benchmarks.relay.SmtpLoadClient;

/**
 * Runs one round: a fresh target, a warm-up batch that is waited for and thrown away, then the
 * measured batch. Waiting for deliveries ends when the sink has every accepted mail, when
 * nothing arrived for the quiet period (the rest counts as lost), or at the round's timeout.
 */
final class RoundRunner {
    private final TargetFactory factory;
    private final SinkSmtpServer sink;
    private final Path workDirectory;
    private final Duration timeout;
    private final Duration quietPeriod;
    private volatile LoadTarget current;

    RoundRunner(TargetFactory factory, SinkSmtpServer sink, Path workDirectory, Duration timeout,
                Duration quietPeriod) {
        this.factory = factory;
        this.sink = sink;
        this.workDirectory = workDirectory;
        this.timeout = timeout;
        this.quietPeriod = quietPeriod;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopCurrent, "load-benchmark-stop"));
    }

    /** Stops the target of a round cut short (Ctrl-C, kill), so that no server outlives the harness. */
    private void stopCurrent() {
        LoadTarget target = current;
        if (target != null) {
            target.close();
        }
    }

    /**
     * Runs the round and prints its line; empty (with the reason printed) when the target failed
     * to start or the SMTP load could not run, so that one broken target does not end the run.
     */
    Optional<LoadResult> run(String experiment, TargetKind kind, int round, LoadPlan plan, MeasureHook hook) {
        Path root = workDirectory.resolve(experiment)
            .resolve(kind.getLabel() + "-" + plan.sessions() + "s-" + plan.sizeMix().getLabel().replace(',', '_')
                .replace(':', 'x') + "-r" + round + "-" + System.currentTimeMillis());
        try {
            LoadResult result = runOn(factory.create(kind, root), experiment, kind, round, plan, hook);
            System.out.println(result.toLine());
            return Optional.of(result);
        } catch (RuntimeException e) {
            String where = String.valueOf(e.getMessage()).contains(root.toString()) ? "" : " (see " + root + ")";
            System.out.printf("%-11s %-15s round %d: FAILED, no result: %s%s%n", experiment, kind.getLabel(), round,
                e.getMessage(), where);
            return Optional.empty();
        } finally {
            current = null;
        }
    }

    private LoadResult runOn(LoadTarget prepared, String experiment, TargetKind kind, int round, LoadPlan plan,
                             MeasureHook hook) {
        current = prepared;
        try (LoadTarget target = prepared) {
            target.start();
            SmtpLoadClient client = new SmtpLoadClient(target.getSmtpPort(), plan.sizeMix()::sizeOf);
            if (plan.warmup() > 0) {
                warmUp(client, plan);
            }
            hook.beforeMeasure(target);
            LoadResult result = measure(experiment, kind, round, plan, client, target.getPid());
            hook.afterMeasure(target);
            return result;
        }
    }

    /** Called around the measured batch, with the warm-up done and the target still running. */
    interface MeasureHook {
        MeasureHook NONE = new MeasureHook() {
        };

        default void beforeMeasure(LoadTarget target) {
        }

        default void afterMeasure(LoadTarget target) {
        }
    }

    private void warmUp(SmtpLoadClient client, LoadPlan plan) {
        int batch = sink.startBatch(plan.warmup());
        SendReport report = client.send(batch, plan.warmup(), plan.sessions());
        printSessionErrors(report);
        awaitDeliveries(report.getAccepted());
    }

    private LoadResult measure(String experiment, TargetKind kind, int round, LoadPlan plan, SmtpLoadClient client,
                               long serverPid) {
        int batch = sink.startBatch(plan.messages());
        Optional<Long> cpuBefore = ProcessCpu.treeTicks(serverPid);
        long start = System.nanoTime();
        SendReport report = client.send(batch, plan.messages(), plan.sessions());
        printSessionErrors(report);
        awaitDeliveries(report.getAccepted());
        Optional<Long> cpuAfter = ProcessCpu.treeTicks(serverPid);
        double cpuSeconds = cpuBefore.isPresent() && cpuAfter.isPresent()
            ? (cpuAfter.get() - cpuBefore.get()) / ProcessCpu.TICKS_PER_SECOND : Double.NaN;
        long end = sink.getDelivered() > 0 ? sink.getLastReceivedNanos() : System.nanoTime();
        long acceptEnd = report.getAccepted() > 0 ? report.getLastAcceptedNanos() : end;
        return new LoadResult(experiment, kind.getLabel(), round, plan, (end - start) / 1e9,
            (acceptEnd - start) / 1e9, report.getAccepted(), sink.getDelivered(), sink.getDuplicates(),
            sink.getStray(), Percentiles.ofNanos(latencies(report, plan.messages())), sink.getConnections(),
            cpuSeconds);
    }

    /** Per delivered mail: from the 250 at the end of its DATA to its arrival at the sink. */
    private long[] latencies(SendReport report, int messages) {
        return IntStream.range(0, messages)
            .filter(sequence -> report.getAcceptedNanos(sequence) != 0 && sink.getArrivalNanos(sequence) != 0)
            .mapToLong(sequence -> Math.max(0, sink.getArrivalNanos(sequence) - report.getAcceptedNanos(sequence)))
            .toArray();
    }

    private void awaitDeliveries(int expected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastProgress = System.nanoTime();
        int seen = -1;
        while (sink.getDelivered() < expected) {
            long now = System.nanoTime();
            int delivered = sink.getDelivered();
            if (delivered != seen) {
                seen = delivered;
                lastProgress = now;
            }
            if (now - lastProgress > quietPeriod.toNanos() || now > deadline) {
                return;
            }
            ServerProcess.sleep(5);
        }
    }

    private static void printSessionErrors(SendReport report) {
        report.getSessionErrors().forEach(error -> System.out.println("  warning: " + error));
    }
}
