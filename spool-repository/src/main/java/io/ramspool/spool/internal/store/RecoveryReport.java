package io.ramspool.spool.internal.store;

/** What the recovery scan at open found. */
public final class RecoveryReport {
    private final long entries;
    private final long bytes;
    private final int areas;
    private final int temporaryFilesRemoved;
    private final int quarantined;
    private final int supersededRemoved;
    private final long durationMillis;

    RecoveryReport(long entries, long bytes, int areas, int temporaryFilesRemoved, int quarantined,
                   int supersededRemoved, long durationMillis) {
        this.entries = entries;
        this.bytes = bytes;
        this.areas = areas;
        this.temporaryFilesRemoved = temporaryFilesRemoved;
        this.quarantined = quarantined;
        this.supersededRemoved = supersededRemoved;
        this.durationMillis = durationMillis;
    }

    public long getEntries() {
        return entries;
    }

    public long getBytes() {
        return bytes;
    }

    public int getAreas() {
        return areas;
    }

    /** Leftovers of writes that were interrupted before their commit (rename). */
    public int getTemporaryFilesRemoved() {
        return temporaryFilesRemoved;
    }

    /** Damaged entries moved to the quarantine directory. */
    public int getQuarantined() {
        return quarantined;
    }

    /** Older copies of a repository key whose newer copy was committed before the old one was deleted. */
    public int getSupersededRemoved() {
        return supersededRemoved;
    }

    public long getDurationMillis() {
        return durationMillis;
    }
}
