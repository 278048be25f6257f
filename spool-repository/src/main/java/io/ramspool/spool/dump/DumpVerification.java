package io.ramspool.spool.dump;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.google.common.collect.ImmutableList;

/** What checking a dump found, without changing anything. Immutable. */
public final class DumpVerification {
    private final Path dump;
    private final Optional<String> manifestProblem;
    private final long intactEntries;
    private final long intactQuarantineFiles;
    private final ImmutableList<String> problems;

    public DumpVerification(Path dump, Optional<String> manifestProblem, long intactEntries, long intactQuarantineFiles,
                            List<String> problems) {
        this.dump = dump;
        this.manifestProblem = manifestProblem;
        this.intactEntries = intactEntries;
        this.intactQuarantineFiles = intactQuarantineFiles;
        this.problems = ImmutableList.copyOf(problems);
    }

    public Path getDump() {
        return dump;
    }

    public Optional<String> getManifestProblem() {
        return manifestProblem;
    }

    /** Entries that match the manifest (when usable) and their own checksum: a reload restores them. */
    public long getIntactEntries() {
        return intactEntries;
    }

    public long getIntactQuarantineFiles() {
        return intactQuarantineFiles;
    }

    /** One line per damaged, missing, unlisted or unexpected file, naming the path and the reason. */
    public List<String> getProblems() {
        return problems;
    }

    public boolean isIntact() {
        return manifestProblem.isEmpty() && problems.isEmpty();
    }
}
