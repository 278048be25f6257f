package io.ramspool.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.ramspool.spool.dump.DumpReport;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ramspool dump}: write the spool to a new dump and publish it atomically. */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = {"Dump every queue, repository and quarantined file of the spool into a new dump in the dump"
        + " directory, then make it the current dump. The previous dump is kept until the new one is complete;"
        + " if the disk fills up, it stays the current dump.",
        "Run it after the server has stopped (ramspool-save.service does)."})
final class DumpCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StoreOptions options = common.storeOptions();
        Path dumpDirectory = common.dumpDirectory();
        Outputs.requireSpoolDirectory(options.getRoot());
        DumpReport report = SpoolDumps.dump(options, dumpDirectory, common.progress("dumped"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("dumped %d mails (%d bytes, %d areas, %d quarantine files) from %s to %s in %d ms%n",
            report.getEntries(), report.getBytes(), report.getAreas(), report.getQuarantineFiles(), options.getRoot(),
            report.getDump(), report.getDurationMillis());
        report.getReplaced().ifPresent(previous -> out.printf("replaced previous dump %s%n", previous));
        if (report.getDamagedEntries() > 0) {
            out.printf("%d entries were damaged in the spool; they are in the dump as they were, a restore"
                + " quarantines them (see the log lines above)%n", report.getDamagedEntries());
            return ExitCodes.DAMAGED;
        }
        return ExitCodes.OK;
    }
}
