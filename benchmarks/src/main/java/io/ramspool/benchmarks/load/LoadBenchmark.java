package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.ramspool.benchmarks.relay.SendReport;
import io.ramspool.benchmarks.relay.ServerProcess;
import io.ramspool.benchmarks.relay.SinkSmtpServer;
import io.ramspool.benchmarks.relay.SmtpLoadClient;

/**
 * The load benchmark: N mails of a size mix over C parallel persistent SMTP sessions, against
 * ramspool, stock James (memory queue, ActiveMQ/KahaDB queue on disk) and Postfix (queue on
 * tmpfs, on disk), all relaying to one in-JVM sink on loopback that counts what arrives. Phases:
 *
 * <ul>
 *   <li>{@code comparison}: every target, {@code --rounds} rounds, round-robin (round r starts
 *       with the r-th target) so that drift of a shared machine hits all alike;</li>
 *   <li>{@code curves}: msg/s against sessions and against mail size for {@code --curve-targets};</li>
 *   <li>{@code reload}: dump and reload cost of the RAM spool against its size;</li>
 *   <li>{@code profile}: ramspool under the comparison load with a flight recording of the
 *       measured batch, summarised.</li>
 * </ul>
 *
 * {@code --phases replot} runs nothing and draws the chart again from the CSV files of
 * {@code --work-dir}.
 *
 * Before the first phase, {@code --harness-warmup} mails go straight to the sink, so that the
 * harness's own JIT compilation does not fall into the first target's first round. Every round
 * starts a fresh server. Results go to {@code --work-dir}: {@code comparison.csv},
 * {@code scaling.csv}, {@code reload-cost.csv}, {@code load-benchmark.png}, {@code summary.md},
 * {@code profile/}. Options: see {@link LoadOptions} and {@code benchmarks/run-load-benchmark.sh}.
 */
public final class LoadBenchmark {
    static final String COMPARISON = "comparison";
    static final String CONCURRENCY = "concurrency";
    static final String SIZE = "size";
    static final String REPLOT = "replot";

    private final LoadOptions options;
    private final TargetFactory factory;
    private final RoundRunner runner;
    private final Path workDirectory;
    private final LoadRun run;
    private final SinkSmtpServer sink;

    private LoadBenchmark(LoadOptions options, SinkSmtpServer sink) {
        this.options = options;
        this.sink = sink;
        this.workDirectory = options.getPath("work-dir");
        this.factory = new TargetFactory(new TargetContext(options.getPath(LoadOptions.RELAY_HOME), sink.getPort(),
            options.getInt("delivery-threads"), options.get("heap"), options.get("ramspool-jit")));
        this.runner = new RoundRunner(factory, sink, workDirectory,
            Duration.ofSeconds(options.getInt("timeout-seconds")), Duration.ofSeconds(options.getInt("quiet-seconds")));
        this.run = new LoadRun(options, comparisonPlan(options));
    }

    public static void main(String[] args) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(options);
    }

    private static void run(LoadOptions options) {
        if (options.hasPhase(REPLOT)) {
            replot(options);
            return;
        }
        try (SinkSmtpServer sink = SinkSmtpServer.start(options.getInt("sink-greeting-delay-ms"))) {
            LoadBenchmark benchmark = new LoadBenchmark(options, sink);
            benchmark.run.setMachineBefore(MachineInfo.capture(benchmark.workDirectory));
            System.out.printf("Load benchmark, sink on 127.0.0.1:%d, results in %s%n  %s%n", sink.getPort(),
                benchmark.workDirectory, options.describe());
            benchmark.runPhases();
            benchmark.run.setLoadAfter(MachineInfo.readLoadAverage());
            benchmark.writeOutputs();
        }
    }

    /** Draws the chart again from the CSV files of an earlier run in {@code --work-dir}. */
    private static void replot(LoadOptions options) {
        Path work = options.getPath("work-dir");
        List<LoadResult> comparison = CsvTable.read(work.resolve("comparison.csv")).stream()
            .map(row -> LoadResult.fromCsvRow(COMPARISON, row))
            .toList();
        LoadPlan plan = comparison.isEmpty() ? comparisonPlan(options) : comparison.get(0).plan();
        LoadRun run = new LoadRun(options, plan);
        comparison.forEach(run::addComparison);
        CsvTable.read(work.resolve("scaling.csv"))
            .forEach(row -> run.addScaling(LoadResult.fromCsvRow(row.get("experiment"), row)));
        run.setReload(CsvTable.read(work.resolve("reload-cost.csv")).stream().map(ReloadResult::fromCsvRow).toList());
        Path chart = work.resolve("load-benchmark.png");
        LoadChart.write(chart, run.chartTitle(), run.comparisonBars(), run.linePanels());
        System.out.println("Drawn again from the CSV files: " + chart);
    }

    private static LoadPlan comparisonPlan(LoadOptions options) {
        return new LoadPlan(options.getInt("messages"), options.getInt("sessions"),
            SizeMix.parse(options.get("size-mix")), options.getInt("warmup"));
    }

    private void runPhases() {
        warmUpHarness(options.getInt("harness-warmup"));
        if (options.hasPhase(COMPARISON)) {
            runComparison();
        }
        if (options.hasPhase("curves")) {
            runConcurrencyCurve();
            runSizeCurve();
        }
        if (options.hasPhase("reload")) {
            run.setReload(new ReloadCostBenchmark(workDirectory.resolve("reload"), run.getPlan().sizeMix())
                .run(options.getIntList("reload-sizes"), options.getInt("reload-repeats")));
        }
        if (options.hasPhase("profile")) {
            runProfile();
        }
    }

    /**
     * Sends {@code messages} straight to the sink before any round. The harness (load client and
     * sink, one JVM on the same cores as the targets) otherwise compiles its own hot code during
     * the first round, and whichever target runs first pays for it.
     */
    private void warmUpHarness(int messages) {
        if (messages <= 0) {
            return;
        }
        long start = System.nanoTime();
        SmtpLoadClient client = new SmtpLoadClient(sink.getPort(), run.getPlan().sizeMix()::sizeOf);
        int batch = sink.startBatch(messages);
        SendReport report = client.send(batch, messages, run.getPlan().sessions());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (sink.getDelivered() < report.getAccepted() && System.nanoTime() < deadline) {
            ServerProcess.sleep(5);
        }
        System.out.printf("Harness warm-up: %d mails straight to the sink in %.1f s%n", sink.getDelivered(),
            (System.nanoTime() - start) / 1e9);
    }

    private void runComparison() {
        List<TargetKind> targets = available(options.getList("targets"));
        for (int round = 1; round <= options.getInt("rounds"); round++) {
            for (TargetKind kind : rotate(targets, round - 1)) {
                runner.run(COMPARISON, kind, round, run.getPlan(), RoundRunner.MeasureHook.NONE)
                    .ifPresent(run::addComparison);
            }
        }
    }

    private void runConcurrencyCurve() {
        List<TargetKind> targets = available(options.getList("curve-targets"));
        List<Integer> sessions = options.getIntList("concurrency-curve");
        int messages = options.getInt("curve-messages");
        for (int point = 0; point < sessions.size(); point++) {
            LoadPlan plan = new LoadPlan(messages, sessions.get(point), run.getPlan().sizeMix(), messages / 4);
            for (TargetKind kind : rotate(targets, point)) {
                runner.run(CONCURRENCY, kind, 1, plan, RoundRunner.MeasureHook.NONE).ifPresent(run::addScaling);
            }
        }
    }

    /** Fewer mails for bigger sizes: at most {@code --curve-bytes} per point, at least 100 mails. */
    private void runSizeCurve() {
        List<TargetKind> targets = available(options.getList("curve-targets"));
        List<Integer> sizes = options.getList("size-curve").stream().map(SizeMix::parseSize).toList();
        long budget = SizeMix.parseSize(options.get("curve-bytes"));
        for (int point = 0; point < sizes.size(); point++) {
            int messages = (int) Math.max(100, Math.min(options.getInt("curve-messages"), budget / sizes.get(point)));
            LoadPlan plan = new LoadPlan(messages, options.getInt("sessions"), SizeMix.of(sizes.get(point)),
                messages / 4);
            for (TargetKind kind : rotate(targets, point)) {
                runner.run(SIZE, kind, 1, plan, RoundRunner.MeasureHook.NONE).ifPresent(run::addScaling);
            }
        }
    }

    private void runProfile() {
        FlightRecording recording = new FlightRecording(workDirectory.resolve("profile").resolve("ramspool.jfr"));
        try {
            Files.createDirectories(recording.getFile().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + recording.getFile().getParent(), e);
        }
        Optional<LoadResult> result = runner.run("profile", TargetKind.RAMSPOOL, 1, run.getPlan(), recording);
        if (result.isPresent() && Files.exists(recording.getFile())) {
            String summary = JfrSummary.summarise(recording.getFile());
            write(workDirectory.resolve("profile").resolve("profile-summary.txt"), summary);
            run.setProfile(result.get(), summary);
            System.out.println(summary);
        }
    }

    /** The targets of {@code labels} that can run here; prints a line for each that cannot. */
    private List<TargetKind> available(List<String> labels) {
        List<TargetKind> kinds = new ArrayList<>();
        for (TargetKind kind : labels.stream().map(TargetKind::byLabel).toList()) {
            Optional<String> reason = factory.unavailableReason(kind);
            if (reason.isPresent()) {
                System.out.println("SKIPPED " + kind.getLabel() + ": " + reason.get());
                run.addSkipped(kind.getLabel() + ": " + reason.get());
            } else {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    /** The targets starting with the {@code offset}-th one, the ones before it moved to the end. */
    static <T> List<T> rotate(List<T> items, int offset) {
        List<T> rotated = new ArrayList<>(items);
        if (!rotated.isEmpty()) {
            Collections.rotate(rotated, -Math.floorMod(offset, rotated.size()));
        }
        return rotated;
    }

    private void writeOutputs() {
        run.comparisonTable().write(workDirectory.resolve("comparison.csv"));
        run.scalingTable().write(workDirectory.resolve("scaling.csv"));
        run.reloadTable().write(workDirectory.resolve("reload-cost.csv"));
        Path chart = workDirectory.resolve("load-benchmark.png");
        LoadChart.write(chart, run.chartTitle(), run.comparisonBars(), run.linePanels());
        String summary = new LoadReport(run).toMarkdown();
        write(workDirectory.resolve("summary.md"), summary);
        System.out.println();
        System.out.println(summary);
        System.out.println("Written: comparison.csv, scaling.csv, reload-cost.csv, load-benchmark.png, summary.md in "
            + workDirectory);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
