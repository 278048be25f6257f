package io.ramspool.spool.dump;

import java.nio.file.Path;
import java.util.Optional;

/** What a completed dump wrote. Immutable. */
public final class DumpReport {
    private final Path dump;
    private final Optional<Path> replaced;
    private final long entries;
    private final long bytes;
    private final int areas;
    private final int damagedEntries;
    private final int quarantineFiles;
    private final long durationMillis;

    public DumpReport(Path dump, Optional<Path> replaced, long entries, long bytes, int areas, int damagedEntries,
                      int quarantineFiles, long durationMillis) {
        this.dump = dump;
        this.replaced = replaced;
        this.entries = entries;
        this.bytes = bytes;
        this.areas = areas;
        this.damagedEntries = damagedEntries;
        this.quarantineFiles = quarantineFiles;
        this.durationMillis = durationMillis;
    }

    /** The published dump directory. */
    public Path getDump() {
        return dump;
    }

    /** The dump that was current before this one, now deleted. */
    public Optional<Path> getReplaced() {
        return replaced;
    }

    /** Mail entries written (quarantine files not included). */
    public long getEntries() {
        return entries;
    }

    /** Bytes of every file written, the manifest excepted. */
    public long getBytes() {
        return bytes;
    }

    public int getAreas() {
        return areas;
    }

    /**
     * Entries whose own checksum did not match when they were read from the store. They are in
     * the dump as they were; a reload quarantines them.
     */
    public int getDamagedEntries() {
        return damagedEntries;
    }

    /** Files copied from the store's quarantine directory. */
    public int getQuarantineFiles() {
        return quarantineFiles;
    }

    public long getDurationMillis() {
        return durationMillis;
    }

    @Override
    public String toString() {
        return "DumpReport{dump=" + dump + ", entries=" + entries + ", bytes=" + bytes + ", areas=" + areas
            + ", damaged=" + damagedEntries + ", quarantineFiles=" + quarantineFiles + ", durationMs="
            + durationMillis + "}";
    }
}
