package io.ramspool.spool.dump;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;

/**
 * What a reload did. {@link #getProblems()} names every damaged, missing or unexpected file
 * with the reason; each damaged or missing entry is also set aside in the store's quarantine
 * with a {@code .reason} file. Immutable.
 */
public final class ReloadReport {

    /** Why the reload did, or did not, replay a dump. */
    public enum Outcome {
        /** The store was empty and the dump was replayed, then retired. */
        RELOADED,
        /** A reload interrupted by a crash was finished: entries already imported were skipped. */
        RESUMED,
        /** There is no complete dump and no checkpoint: nothing to do. */
        NO_DUMP,
        /** The store already holds mail (the JVM restarted, the machine did not): the dump was not replayed. */
        STORE_NOT_EMPTY,
        /**
         * The store is empty but a relay served from it since the dump was written (the JVM
         * restarted after every mail had left, the machine did not): the dump is stale and was not
         * replayed, or the mail delivered since would be delivered again.
         */
        SPOOL_IN_SERVICE
    }

    private final Outcome outcome;
    private final Optional<Path> dump;
    private final Optional<Path> retiredAs;
    private final Optional<Path> keptAsCheckpoint;
    private final Optional<String> manifestProblem;
    private final long imported;
    private final long skippedPresent;
    private final long damaged;
    private final long missing;
    private final long unlisted;
    private final long quarantineFilesRestored;
    private final long storeEntriesBefore;
    private final ImmutableList<String> problems;
    private final long durationMillis;

    private ReloadReport(Builder builder) {
        this.outcome = Preconditions.checkNotNull(builder.outcome, "outcome");
        this.dump = builder.dump;
        this.retiredAs = builder.retiredAs;
        this.keptAsCheckpoint = builder.keptAsCheckpoint;
        this.manifestProblem = builder.manifestProblem;
        this.imported = builder.imported;
        this.skippedPresent = builder.skippedPresent;
        this.damaged = builder.damaged;
        this.missing = builder.missing;
        this.unlisted = builder.unlisted;
        this.quarantineFilesRestored = builder.quarantineFilesRestored;
        this.storeEntriesBefore = builder.storeEntriesBefore;
        this.problems = builder.problems.build();
        this.durationMillis = builder.durationMillis;
    }

    public static Builder builder(Outcome outcome) {
        return new Builder(outcome);
    }

    public Outcome getOutcome() {
        return outcome;
    }

    /** The dump or checkpoint that was (or, for STORE_NOT_EMPTY, would have been) replayed. */
    public Optional<Path> getDump() {
        return dump;
    }

    /**
     * Where the dump went: {@code retired-dump-...} after the reload completed, or, for
     * STORE_NOT_EMPTY and SPOOL_IN_SERVICE, because the spool made it stale.
     */
    public Optional<Path> getRetiredAs() {
        return retiredAs;
    }

    /**
     * Where the dump went when it was kept as the checkpoint ({@link AfterReload#KEEP_AS_CHECKPOINT}):
     * {@code <dumpDir>/checkpoint}.
     */
    public Optional<Path> getKeptAsCheckpoint() {
        return keptAsCheckpoint;
    }

    /**
     * Why the manifest could not be used (missing, truncated, unknown version, checksum), if so.
     * The entries were then found by listing the dump and each checked against its own checksum.
     */
    public Optional<String> getManifestProblem() {
        return manifestProblem;
    }

    public long getImported() {
        return imported;
    }

    /** Entries already in the store (same area and sequence number), not imported again. */
    public long getSkippedPresent() {
        return skippedPresent;
    }

    /** Entries whose bytes did not match the manifest or their own checksum: quarantined. */
    public long getDamaged() {
        return damaged;
    }

    /** Entries listed in the manifest but absent from the dump: a reason file in the quarantine. */
    public long getMissing() {
        return missing;
    }

    /** Entries in the dump that its manifest does not list; imported when intact. */
    public long getUnlisted() {
        return unlisted;
    }

    public long getQuarantineFilesRestored() {
        return quarantineFilesRestored;
    }

    /** Entries the store held before the reload; non-zero only for STORE_NOT_EMPTY and RESUMED. */
    public long getStoreEntriesBefore() {
        return storeEntriesBefore;
    }

    public List<String> getProblems() {
        return problems;
    }

    public long getDurationMillis() {
        return durationMillis;
    }

    /** True when something was damaged, missing, unlisted, or the manifest was unusable. */
    public boolean hasProblems() {
        return damaged > 0 || missing > 0 || unlisted > 0 || manifestProblem.isPresent();
    }

    @Override
    public String toString() {
        return "ReloadReport{outcome=" + outcome + ", dump=" + dump.map(Path::toString).orElse("<none>")
            + ", imported=" + imported + ", skippedPresent=" + skippedPresent + ", damaged=" + damaged
            + ", missing=" + missing + ", unlisted=" + unlisted + ", manifestProblem="
            + manifestProblem.orElse("<none>") + ", durationMs=" + durationMillis + "}";
    }

    /** Accumulates the counts while a reload runs. */
    public static final class Builder {
        private Outcome outcome;
        private Optional<Path> dump = Optional.empty();
        private Optional<Path> retiredAs = Optional.empty();
        private Optional<Path> keptAsCheckpoint = Optional.empty();
        private Optional<String> manifestProblem = Optional.empty();
        private long imported;
        private long skippedPresent;
        private long damaged;
        private long missing;
        private long unlisted;
        private long quarantineFilesRestored;
        private long storeEntriesBefore;
        private final ImmutableList.Builder<String> problems = ImmutableList.builder();
        private long durationMillis;

        private Builder(Outcome outcome) {
            this.outcome = outcome;
        }

        public Builder outcome(Outcome newOutcome) {
            this.outcome = newOutcome;
            return this;
        }

        public Builder dump(Path path) {
            this.dump = Optional.of(path);
            return this;
        }

        public Builder retiredAs(Path path) {
            this.retiredAs = Optional.of(path);
            return this;
        }

        public Builder keptAsCheckpoint(Path path) {
            this.keptAsCheckpoint = Optional.of(path);
            return this;
        }

        public Builder manifestProblem(String problem) {
            this.manifestProblem = Optional.of(problem);
            return this;
        }

        public Builder imported() {
            imported++;
            return this;
        }

        public Builder skippedPresent() {
            skippedPresent++;
            return this;
        }

        public Builder damaged(String problem) {
            damaged++;
            problems.add(problem);
            return this;
        }

        public Builder missing(String problem) {
            missing++;
            problems.add(problem);
            return this;
        }

        public Builder unlisted(String problem) {
            unlisted++;
            problems.add(problem);
            return this;
        }

        public Builder problem(String problem) {
            problems.add(problem);
            return this;
        }

        public Builder quarantineFileRestored() {
            quarantineFilesRestored++;
            return this;
        }

        public Builder storeEntriesBefore(long entries) {
            this.storeEntriesBefore = entries;
            return this;
        }

        public Builder durationMillis(long millis) {
            this.durationMillis = millis;
            return this;
        }

        public long getProcessed() {
            return imported + skippedPresent + damaged + missing;
        }

        public ReloadReport build() {
            return new ReloadReport(this);
        }
    }
}
