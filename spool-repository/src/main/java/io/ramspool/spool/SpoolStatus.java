package io.ramspool.spool;

import java.nio.file.Path;

/**
 * What the spool holds and how much room is left, for the SMTP capacity guard, the health check
 * and the metrics. Every method is cheap: counts come from the store's own accounting, space
 * from one {@code statvfs} call. Implementations are thread-safe.
 */
public interface SpoolStatus {
    /** The spool directory. */
    Path getDirectory();

    /** Mails committed in the spool, in every queue and repository. */
    long getEntryCount();

    /** Bytes of the committed mail files. */
    long getBytesUsed();

    /** The spool's own size cap, or 0 when only the file system limits it. */
    long getMaxBytes();

    long getFileSystemFreeBytes();

    long getFileSystemTotalBytes();

    /** Whether the spool directory can be written to right now. */
    boolean isWritable();

    /** The largest number of bytes the spool can hold: its cap, or the file system's size. */
    default long getCapacityBytes() {
        long total = getFileSystemTotalBytes();
        long cap = getMaxBytes();
        return cap > 0 ? Math.min(cap, total) : total;
    }

    /** Bytes that new mail may still take: the file system's free space, within the cap. */
    default long getAvailableBytes() {
        long free = getFileSystemFreeBytes();
        long cap = getMaxBytes();
        if (cap > 0) {
            return Math.max(0, Math.min(free, cap - getBytesUsed()));
        }
        return free;
    }
}
