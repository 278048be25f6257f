package io.ramspool.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.ramspool.spool.dump.ReloadReport;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ramspool restore}: reload the current dump into an empty spool. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Reload the checkpoint, or the current dump when there is no checkpoint, into the spool when"
        + " the spool holds no mail, then retire it (rename it retired-...), or keep it as the checkpoint when"
        + " checkpoint=true in the ramspool-dump.properties of --conf. When the spool still holds mail, it wins"
        + " and nothing is replayed. Damaged or missing entries go to the spool's quarantine directory and are"
        + " listed.",
        "Run it before the server starts (ramspool-restore.service does)."})
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--from", paramLabel = "DUMP",
        description = "Replay this dump directory (for example a retired-dump-... kept after a reload) instead of"
            + " the current dump. Mail already delivered from it will be delivered again.")
    Path from;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StoreOptions options = common.storeOptions();
        Path dumpDirectory = common.dumpDirectory();
        ReloadReport report = SpoolDumps.restore(options, dumpDirectory, Optional.ofNullable(from),
            common.progress("restored"), common.afterReload());
        PrintWriter out = spec.commandLine().getOut();
        switch (report.getOutcome()) {
            case NO_DUMP:
                out.printf("no dump to restore in %s; spool %s left as it is%n", dumpDirectory, options.getRoot());
                return ExitCodes.OK;
            case STORE_NOT_EMPTY:
                out.printf("spool %s already holds %d mails: it wins, dump %s was not replayed%n", options.getRoot(),
                    report.getStoreEntriesBefore(), report.getDump().map(Path::toString).orElse("<none>"));
                report.getRetiredAs().ifPresent(retired -> out.printf("stale dump retired as %s%n", retired));
                return ExitCodes.OK;
            case SPOOL_IN_SERVICE:
                out.printf("spool %s is empty but a relay served from it since dump %s was written: the dump is"
                        + " stale and was not replayed (retired as %s); to replay it anyway, delivering again what was"
                        + " delivered since, use --from%n", options.getRoot(),
                    report.getDump().map(Path::toString).orElse("<none>"),
                    report.getRetiredAs().map(Path::toString).orElse("-"));
                return ExitCodes.OK;
            default:
                return printReload(out, options, report);
        }
    }

    private static int printReload(PrintWriter out, StoreOptions options, ReloadReport report) {
        out.printf("%s %d mails from %s into %s in %d ms (skipped %d already present, %d quarantine files)%n",
            report.getOutcome() == ReloadReport.Outcome.RESUMED ? "finished interrupted restore:" : "restored",
            report.getImported(), report.getDump().map(Path::toString).orElse("?"), options.getRoot(),
            report.getDurationMillis(), report.getSkippedPresent(), report.getQuarantineFilesRestored());
        report.getRetiredAs().ifPresent(retired -> out.printf("dump retired as %s%n", retired));
        report.getKeptAsCheckpoint().ifPresent(checkpoint -> out.printf("kept as the checkpoint %s%n", checkpoint));
        report.getManifestProblem().ifPresent(problem -> out.printf("manifest: %s; every entry was checked against"
            + " its own checksum instead%n", problem));
        report.getProblems().forEach(problem -> out.printf("problem: %s%n", problem));
        if (!report.hasProblems()) {
            return ExitCodes.OK;
        }
        out.printf("%d damaged, %d missing, %d unlisted; quarantine: %s%n", report.getDamaged(), report.getMissing(),
            report.getUnlisted(), options.getRoot().resolve("quarantine"));
        return ExitCodes.DAMAGED;
    }
}
