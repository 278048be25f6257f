package io.ramspool.benchmarks.load;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.ramspool.benchmarks.load.ChartData.Series;

/** The run as Markdown, ready to be pasted into {@code docs/performance.md}. */
final class LoadReport {
    private static final String RAMSPOOL = TargetKind.RAMSPOOL.getLabel();
    /** Goals of issue 7: ramspool's msg/s at least this many times the target's, measured in the same run. */
    private static final List<Goal> GOALS = List.of(new Goal("stock-activemq", 5), new Goal("postfix-tmpfs", 1),
        new Goal("stock-memory", Double.NaN), new Goal("postfix-disk", Double.NaN));

    private final LoadRun run;
    private final StringBuilder text = new StringBuilder();

    LoadReport(LoadRun run) {
        this.run = run;
    }

    String toMarkdown() {
        appendConditions();
        appendComparison();
        appendGoals();
        appendCurves();
        appendReload();
        appendProfile();
        return text.toString();
    }

    private void appendConditions() {
        MachineInfo machine = run.getMachineBefore();
        line("### Conditions");
        line("");
        line("- started " + machine.time() + ", commit " + run.getOptions().get("commit"));
        line("- " + machine.processors() + " cores (" + machine.cpuModel() + "), " + machine.memoryMiB()
            + " MiB RAM, load average " + machine.loadAverage() + " before, " + run.getLoadAfter() + " after");
        line("- " + machine.kernel() + "; " + machine.java());
        line("- /dev/shm: " + machine.shmFileSystem() + "; work directory: " + machine.workFileSystem());
        line("- Postfix: " + (PostfixTarget.unavailableReason().isPresent() ? "not available"
            : PostfixTarget.version()));
        line("- JVM targets: -Xms/-Xmx " + run.getOptions().get("heap") + "; ramspool's JIT as bin/start.sh picks it"
            + " for RAMSPOOL_JIT=" + run.getOptions().get("ramspool-jit") + " on " + machine.processors()
            + " cores (C1 only on two or fewer); stock James with the JVM's default (tiered C1+C2)");
        line("- options: `" + run.getOptions().describe() + "`");
        run.getSkipped().forEach(skipped -> line("- skipped " + skipped));
        line("");
    }

    private void appendComparison() {
        LoadPlan plan = run.getPlan();
        line(String.format(Locale.ROOT, "### Comparison: %d mails of %s over %d sessions, %d warm-up mails",
            plan.messages(), plan.sizeMix().getLabel(), plan.sessions(), plan.warmup()));
        line("");
        line("| target | rounds | msg/s (mean) | msg/s (min–max) | p50 ms | p90 ms | p99 ms | delivered | lost "
            + "| server CPU ms/mail | server cores | ramspool ÷ target |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Optional<TargetSummary> ramspool = run.summaryOf(RAMSPOOL);
        for (TargetSummary summary : run.summaries()) {
            line(String.format(Locale.ROOT,
                "| %s | %d | %,.0f | %,.0f–%,.0f | %s | %s | %s | %d | %d | %s | %s | %s |",
                summary.target(), summary.rounds(), summary.meanMessagesPerSecond(),
                summary.minMessagesPerSecond(), summary.maxMessagesPerSecond(),
                millis(summary.meanLatency().p50Millis()), millis(summary.meanLatency().p90Millis()),
                millis(summary.meanLatency().p99Millis()), summary.delivered(), summary.lost(),
                decimal(summary.meanCpuMillisPerMail()), decimal(summary.meanCores()), ratio(ramspool, summary)));
        }
        line("");
        appendRounds();
    }

    private void appendRounds() {
        line("Rounds in the order they ran:");
        line("");
        line("| round | target | seconds | msg/s | p50 ms | p90 ms | p99 ms | delivered | lost | refused |");
        line("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (LoadResult result : run.getComparison()) {
            line(String.format(Locale.ROOT, "| %d | %s | %.2f | %,.0f | %s | %s | %s | %d | %d | %d |",
                result.round(), result.target(), result.seconds(), result.getMessagesPerSecond(),
                millis(result.latency().p50Millis()), millis(result.latency().p90Millis()),
                millis(result.latency().p99Millis()), result.delivered(), result.getLost(), result.getRefused()));
        }
        line("");
    }

    private void appendGoals() {
        Optional<TargetSummary> ramspool = run.summaryOf(RAMSPOOL);
        if (ramspool.isEmpty()) {
            return;
        }
        line("Ratios (ramspool's mean msg/s over the target's, same run):");
        line("");
        for (Goal goal : GOALS) {
            run.summaryOf(goal.target()).ifPresent(summary -> line("- ramspool ÷ " + goal.target() + ": "
                + ratio(ramspool, summary) + goal.describe(ramspool.get().meanMessagesPerSecond()
                / summary.meanMessagesPerSecond())));
        }
        line("");
    }

    private void appendCurves() {
        appendCurve(LoadBenchmark.CONCURRENCY, "sessions", LoadRun::sessionsOf);
        appendCurve(LoadBenchmark.SIZE, "mail size", LoadRun::sizeOf);
    }

    private void appendCurve(String experiment, String xTitle, Function<LoadResult, String> xOf) {
        List<String> points = run.curvePoints(experiment, xOf);
        if (points.isEmpty()) {
            return;
        }
        List<Series> series = run.curve(experiment, points, xOf);
        line("### msg/s against " + xTitle);
        line("");
        line("| " + xTitle + " | " + series.stream().map(Series::name).collect(Collectors.joining(" | "))
            + (series.size() == 2 ? " | " + series.get(0).name() + " ÷ " + series.get(1).name() : "") + " |");
        line("|---|" + "---:|".repeat(series.size() + (series.size() == 2 ? 1 : 0)));
        for (int i = 0; i < points.size(); i++) {
            int point = i;
            String values = series.stream()
                .map(curve -> String.format(Locale.ROOT, "%,.0f", curve.values().get(point)))
                .collect(Collectors.joining(" | "));
            String ratio = series.size() == 2 ? String.format(Locale.ROOT, " | %.2f",
                series.get(0).values().get(point) / series.get(1).values().get(point)) : "";
            line("| " + points.get(i) + " | " + values + ratio + " |");
        }
        line("");
    }

    private void appendReload() {
        if (run.getReload().isEmpty()) {
            return;
        }
        line("### RAM spool dump and reload against spool size (" + run.getPlan().sizeMix().getLabel() + " mails)");
        line("");
        line("| mails | MiB | fill ms | dump ms | reload ms | open ms | reload + open ms | mails/s reloaded |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (ReloadResult result : run.getReload()) {
            line(String.format(Locale.ROOT, "| %,d | %.1f | %,d | %,d | %,d | %,d | %,d | %,.0f |", result.mails(),
                result.bytes() / 1048576.0, result.fillMillis(), result.dumpMillis(), result.reloadMillis(),
                result.openMillis(), result.getRestartMillis(), result.getReloadMailsPerSecond()));
        }
        line("");
    }

    private void appendProfile() {
        run.getProfileResult().ifPresent(result -> {
            line("### Profile of ramspool under the comparison load");
            line("");
            line("Measured batch with the recording on: " + result.toLine().trim());
            line("");
            line("```");
            text.append(run.getProfileSummary().strip()).append('\n');
            line("```");
        });
    }

    private static String ratio(Optional<TargetSummary> ramspool, TargetSummary summary) {
        return ramspool.map(base -> String.format(Locale.ROOT, "%.2f",
            base.meanMessagesPerSecond() / summary.meanMessagesPerSecond())).orElse("–");
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private void line(String line) {
        text.append(line).append('\n');
    }

    /** A ratio to reach, or none (NaN) when the target is only there for reference. */
    private record Goal(String target, double atLeast) {
        String describe(double ratio) {
            if (Double.isNaN(atLeast)) {
                return " (reference)";
            }
            return String.format(Locale.ROOT, " (goal ≥ %.0f: %s)", atLeast, ratio >= atLeast ? "met" : "NOT met");
        }
    }
}
