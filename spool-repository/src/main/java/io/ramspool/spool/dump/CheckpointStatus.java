package io.ramspool.spool.dump;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.google.common.base.Preconditions;

/**
 * Where the continuous checkpoint stands at one moment: its state, how far it is behind the
 * spool, and what it has done since it started. Immutable; ask {@link SpoolCheckpoint#getStatus()}
 * again for fresh numbers. Meant for logs, the tools and a webadmin route.
 */
public final class CheckpointStatus {

    /** What the checkpoint writer is doing. */
    public enum State {
        /**
         * Putting the first checkpoint in place after the start (copying what the spool holds
         * and the checkpoint does not). Until it is RUNNING, a power loss falls back to the
         * current dump, if there is one.
         */
        STARTING,
        /** Mirroring each change; the checkpoint is behind the spool by about {@link #getLag()}. */
        RUNNING,
        /**
         * The last write to the dump directory failed (disk full, I/O error); the writer retries
         * with a growing pause and then catches up by comparing the whole spool with the checkpoint.
         * The relay keeps running; the checkpoint falls behind.
         */
        FAILING,
        /** Stopped: the spool's changes are no longer mirrored. */
        STOPPED
    }

    private final State state;
    private final Path directory;
    private final Duration maxLag;
    private final Duration lag;
    private final long pendingChanges;
    private final long copiedEntries;
    private final long deletedEntries;
    private final long batches;
    private final long resyncs;
    private final long failures;
    private final long droppedChanges;
    private final Optional<Instant> lastFlush;
    private final Optional<String> lastError;

    private CheckpointStatus(Builder builder) {
        this.state = Preconditions.checkNotNull(builder.state, "state");
        this.directory = Preconditions.checkNotNull(builder.directory, "directory");
        this.maxLag = Preconditions.checkNotNull(builder.maxLag, "maxLag");
        this.lag = Preconditions.checkNotNull(builder.lag, "lag");
        this.pendingChanges = builder.pendingChanges;
        this.copiedEntries = builder.copiedEntries;
        this.deletedEntries = builder.deletedEntries;
        this.batches = builder.batches;
        this.resyncs = builder.resyncs;
        this.failures = builder.failures;
        this.droppedChanges = builder.droppedChanges;
        this.lastFlush = builder.lastFlush;
        this.lastError = builder.lastError;
    }

    public static Builder builder() {
        return new Builder();
    }

    public State getState() {
        return state;
    }

    /** The checkpoint directory, {@code <dumpDirectory>/checkpoint}. */
    public Path getDirectory() {
        return directory;
    }

    /** The configured bound ({@code checkpointLag}). */
    public Duration getMaxLag() {
        return maxLag;
    }

    /**
     * Age of the oldest change of the spool that is not yet on the dump disk (zero when the
     * checkpoint is up to date). A power loss now would lose the mail committed in this window.
     */
    public Duration getLag() {
        return lag;
    }

    /** True while RUNNING with a lag within the configured bound: the promise of the checkpoint holds. */
    public boolean isWithinLag() {
        return state == State.RUNNING && lag.compareTo(maxLag) <= 0;
    }

    /** Changes (commits and deletions) waiting in memory for the writer. */
    public long getPendingChanges() {
        return pendingChanges;
    }

    /** Entry and quarantine files copied into the checkpoint since the start. */
    public long getCopiedEntries() {
        return copiedEntries;
    }

    /** Entry files removed from the checkpoint since the start. */
    public long getDeletedEntries() {
        return deletedEntries;
    }

    /** Batches of changes written, each with one round of fsyncs. */
    public long getBatches() {
        return batches;
    }

    /** Full comparisons of the spool with the checkpoint: one at start, one after each failure or overflow. */
    public long getResyncs() {
        return resyncs;
    }

    /** Failed batches or comparisons since the start. */
    public long getFailures() {
        return failures;
    }

    /**
     * Changes that found too many changes already waiting in memory. Each one forces a full
     * comparison of the spool with the checkpoint, which covers it and every change until the
     * comparison starts: they are late, not lost.
     */
    public long getDroppedChanges() {
        return droppedChanges;
    }

    /** When the checkpoint last finished a batch or comparison with everything fsynced. */
    public Optional<Instant> getLastFlush() {
        return lastFlush;
    }

    /** The last failure, with the path and the cause, if any failure happened since the start. */
    public Optional<String> getLastError() {
        return lastError;
    }

    @Override
    public String toString() {
        return "CheckpointStatus{state=" + state + ", lagMs=" + lag.toMillis() + ", maxLagMs=" + maxLag.toMillis()
            + ", pending=" + pendingChanges + ", copied=" + copiedEntries + ", deleted=" + deletedEntries
            + ", batches=" + batches + ", resyncs=" + resyncs + ", failures=" + failures + ", dropped="
            + droppedChanges + ", lastError=" + lastError.orElse("<none>") + "}";
    }

    /** Collects the values of a status; used by the checkpoint writer. */
    public static final class Builder {
        private State state;
        private Path directory;
        private Duration maxLag;
        private Duration lag = Duration.ZERO;
        private long pendingChanges;
        private long copiedEntries;
        private long deletedEntries;
        private long batches;
        private long resyncs;
        private long failures;
        private long droppedChanges;
        private Optional<Instant> lastFlush = Optional.empty();
        private Optional<String> lastError = Optional.empty();

        private Builder() {
        }

        public Builder state(State value) {
            this.state = value;
            return this;
        }

        public Builder directory(Path value) {
            this.directory = value;
            return this;
        }

        public Builder maxLag(Duration value) {
            this.maxLag = value;
            return this;
        }

        public Builder lag(Duration value) {
            this.lag = value;
            return this;
        }

        public Builder pendingChanges(long value) {
            this.pendingChanges = value;
            return this;
        }

        public Builder copiedEntries(long value) {
            this.copiedEntries = value;
            return this;
        }

        public Builder deletedEntries(long value) {
            this.deletedEntries = value;
            return this;
        }

        public Builder batches(long value) {
            this.batches = value;
            return this;
        }

        public Builder resyncs(long value) {
            this.resyncs = value;
            return this;
        }

        public Builder failures(long value) {
            this.failures = value;
            return this;
        }

        public Builder droppedChanges(long value) {
            this.droppedChanges = value;
            return this;
        }

        public Builder lastFlush(Optional<Instant> value) {
            this.lastFlush = value;
            return this;
        }

        public Builder lastError(Optional<String> value) {
            this.lastError = value;
            return this;
        }

        public CheckpointStatus build() {
            return new CheckpointStatus(this);
        }
    }
}
