package io.ramspool.benchmarks.load;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import io.ramspool.benchmarks.load.ChartData.Bar;
import io.ramspool.benchmarks.load.ChartData.Lines;
import io.ramspool.benchmarks.load.ChartData.Series;

/**
 * Everything one run measured, and the tables and chart data made from it. Not thread-safe:
 * filled by the benchmark's thread, read once all phases are done.
 */
final class LoadRun {
    private final LoadOptions options;
    private final LoadPlan plan;
    private final List<LoadResult> comparison = new ArrayList<>();
    private final List<LoadResult> scaling = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private List<ReloadResult> reload = List.of();
    private MachineInfo machineBefore;
    private String loadAfter = "?";
    private Optional<LoadResult> profileResult = Optional.empty();
    private String profileSummary = "";

    LoadRun(LoadOptions options, LoadPlan plan) {
        this.options = options;
        this.plan = plan;
    }

    LoadOptions getOptions() {
        return options;
    }

    LoadPlan getPlan() {
        return plan;
    }

    void addComparison(LoadResult result) {
        comparison.add(result);
    }

    void addScaling(LoadResult result) {
        scaling.add(result);
    }

    void addSkipped(String line) {
        if (!skipped.contains(line)) {
            skipped.add(line);
        }
    }

    List<String> getSkipped() {
        return skipped;
    }

    void setReload(List<ReloadResult> results) {
        reload = List.copyOf(results);
    }

    List<ReloadResult> getReload() {
        return reload;
    }

    void setMachineBefore(MachineInfo machine) {
        machineBefore = machine;
    }

    MachineInfo getMachineBefore() {
        return machineBefore;
    }

    void setLoadAfter(String loadAverage) {
        loadAfter = loadAverage;
    }

    String getLoadAfter() {
        return loadAfter;
    }

    void setProfile(LoadResult result, String summary) {
        profileResult = Optional.of(result);
        profileSummary = summary;
    }

    Optional<LoadResult> getProfileResult() {
        return profileResult;
    }

    String getProfileSummary() {
        return profileSummary;
    }

    List<LoadResult> getComparison() {
        return comparison;
    }

    /** The comparison's targets in the order they first ran. */
    List<String> comparisonTargets() {
        Set<String> targets = new LinkedHashSet<>();
        comparison.forEach(result -> targets.add(result.target()));
        return List.copyOf(targets);
    }

    List<TargetSummary> summaries() {
        return comparisonTargets().stream()
            .map(target -> TargetSummary.of(target, comparison.stream()
                .filter(result -> result.target().equals(target)).toList()))
            .toList();
    }

    Optional<TargetSummary> summaryOf(String target) {
        return summaries().stream().filter(summary -> summary.target().equals(target)).findFirst();
    }

    /** The msg/s of {@code experiment} rows, one value per x position and per target (NaN when missing). */
    List<Series> curve(String experiment, List<String> xLabels, Function<LoadResult, String> xOf) {
        List<LoadResult> rows = scaling.stream().filter(result -> result.experiment().equals(experiment)).toList();
        Set<String> targets = new LinkedHashSet<>();
        rows.forEach(result -> targets.add(result.target()));
        return targets.stream()
            .map(target -> new Series(target, xLabels.stream()
                .map(x -> rows.stream()
                    .filter(result -> result.target().equals(target) && xOf.apply(result).equals(x))
                    .mapToDouble(LoadResult::getMessagesPerSecond)
                    .average()
                    .orElse(Double.NaN))
                .toList()))
            .toList();
    }

    /** The distinct x positions of {@code experiment}, in the order they ran. */
    List<String> curvePoints(String experiment, Function<LoadResult, String> xOf) {
        Set<String> points = new LinkedHashSet<>();
        scaling.stream().filter(result -> result.experiment().equals(experiment)).map(xOf).forEach(points::add);
        return List.copyOf(points);
    }

    static String sessionsOf(LoadResult result) {
        return Integer.toString(result.plan().sessions());
    }

    static String sizeOf(LoadResult result) {
        return result.plan().sizeMix().getLabel();
    }

    CsvTable comparisonTable() {
        CsvTable table = new CsvTable(LoadResult.COLUMNS);
        comparison.forEach(result -> table.add(result.toCsvRow()));
        return table;
    }

    CsvTable scalingTable() {
        List<String> header = new ArrayList<>(List.of("experiment"));
        header.addAll(LoadResult.COLUMNS);
        CsvTable table = new CsvTable(header);
        for (LoadResult result : scaling) {
            List<String> row = new ArrayList<>(List.of(result.experiment()));
            row.addAll(result.toCsvRow());
            table.add(row);
        }
        return table;
    }

    CsvTable reloadTable() {
        CsvTable table = new CsvTable(ReloadResult.COLUMNS);
        reload.forEach(result -> table.add(result.toCsvRow()));
        return table;
    }

    String chartTitle() {
        return String.format(Locale.ROOT, "msg/s: %d mails of %s, %d sessions (bars: mean, dots: rounds)",
            plan.messages(), plan.sizeMix().getLabel(), plan.sessions());
    }

    List<Bar> comparisonBars() {
        return summaries().stream()
            .map(summary -> new Bar(summary.target(), summary.meanMessagesPerSecond(), comparison.stream()
                .filter(result -> result.target().equals(summary.target()))
                .map(LoadResult::getMessagesPerSecond)
                .toList()))
            .toList();
    }

    List<Lines> linePanels() {
        List<String> sessions = curvePoints(LoadBenchmark.CONCURRENCY, LoadRun::sessionsOf);
        List<String> sizes = curvePoints(LoadBenchmark.SIZE, LoadRun::sizeOf);
        List<String> spoolSizes = reload.stream().map(result -> Integer.toString(result.mails())).toList();
        return List.of(
            new Lines("msg/s against concurrent SMTP sessions (" + plan.sizeMix().getLabel() + " mails)",
                "sessions", "msg/s", sessions, curve(LoadBenchmark.CONCURRENCY, sessions, LoadRun::sessionsOf),
                false, false),
            new Lines("msg/s against mail size (" + plan.sessions() + " sessions, log scale)", "mail size", "msg/s",
                sizes, curve(LoadBenchmark.SIZE, sizes, LoadRun::sizeOf), true, false),
            new Lines("RAM spool dump and reload against spool size", "mails in the spool", "ms", spoolSizes,
                List.of(reloadSeries("dump to disk", ReloadResult::dumpMillis),
                    reloadSeries("reload from dump", ReloadResult::reloadMillis),
                    reloadSeries("open (recovery scan)", ReloadResult::openMillis)), false, true));
    }

    private Series reloadSeries(String name, ToLongFunction<ReloadResult> millis) {
        return new Series(name, reload.stream().map(result -> (double) millis.applyAsLong(result)).toList());
    }
}
