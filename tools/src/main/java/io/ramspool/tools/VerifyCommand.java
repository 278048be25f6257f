package io.ramspool.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.ramspool.spool.dump.DumpVerification;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.OfflineStore;
import io.ramspool.spool.internal.store.StoreException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ramspool verify}: check every entry of the spool, or of a dump, without changing anything. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check the structure and checksum of every entry of the spool (default) or of a dump, and name"
        + " each damaged, missing or unexpected file. Changes nothing.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = "--dump", description = "Verify what a restore would replay: the checkpoint of the dump"
            + " directory when there is one, else its current dump.")
        boolean currentDump;

        @Option(names = "--dump-path", paramLabel = "DUMP", description = "Verify this dump directory.")
        Path dumpPath;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (target == null) {
            return verifySpool(out);
        }
        Optional<Path> dump = target.dumpPath != null ? Optional.of(target.dumpPath)
            : SpoolDumps.findReloadSource(common.dumpDirectory());
        if (dump.isEmpty()) {
            throw new StoreException("no checkpoint and no current dump in " + common.dumpDirectory());
        }
        return verifyDump(out, dump.get());
    }

    private Integer verifySpool(PrintWriter out) throws IOException {
        Path root = common.storeOptions().getRoot();
        ProgressPrinter progress = common.progress("verified");
        long entries = 0;
        long damaged = 0;
        int areas = 0;
        try (OfflineStore store = OfflineStore.lock(root)) {
            for (AreaId area : store.listAreas()) {
                areas++;
                for (Path file : store.listEntryFiles(area)) {
                    entries++;
                    damaged += verifyEntry(out, store, area, file);
                    progress.processed(entries);
                }
            }
        }
        out.printf("verified %d entries in %d areas of %s: %d damaged%n", entries, areas, root, damaged);
        return damaged == 0 ? ExitCodes.OK : ExitCodes.DAMAGED;
    }

    private static int verifyEntry(PrintWriter out, OfflineStore store, AreaId area, Path file) throws IOException {
        try {
            store.verify(area, file);
            return 0;
        } catch (StoreException e) {
            out.printf("damaged: %s%n", e.getMessage());
            return 1;
        }
    }

    private Integer verifyDump(PrintWriter out, Path dump) throws IOException {
        DumpVerification verification = SpoolDumps.verify(dump, common.progress("verified"));
        verification.getManifestProblem().ifPresent(problem -> out.printf("manifest: %s%n", problem));
        verification.getProblems().forEach(problem -> out.printf("damaged: %s%n", problem));
        out.printf("verified dump %s: %d intact entries, %d intact quarantine files, %d problems%s%n", dump,
            verification.getIntactEntries(), verification.getIntactQuarantineFiles(),
            verification.getProblems().size(), verification.getManifestProblem().isPresent() ? ", manifest unusable"
                : "");
        return verification.isIntact() ? ExitCodes.OK : ExitCodes.DAMAGED;
    }
}
