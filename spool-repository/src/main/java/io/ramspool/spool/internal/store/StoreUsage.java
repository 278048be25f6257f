package io.ramspool.spool.internal.store;

/**
 * A snapshot of what the store holds and what room is left. Entry counts and bytes come from
 * the store's own accounting, free and total space from one {@code statvfs} call.
 */
public final class StoreUsage {
    private final long entries;
    private final long bytesUsed;
    private final long maxBytes;
    private final long fileSystemFreeBytes;
    private final long fileSystemTotalBytes;

    public StoreUsage(long entries, long bytesUsed, long maxBytes, long fileSystemFreeBytes,
                      long fileSystemTotalBytes) {
        this.entries = entries;
        this.bytesUsed = bytesUsed;
        this.maxBytes = maxBytes;
        this.fileSystemFreeBytes = fileSystemFreeBytes;
        this.fileSystemTotalBytes = fileSystemTotalBytes;
    }

    public long getEntries() {
        return entries;
    }

    public long getBytesUsed() {
        return bytesUsed;
    }

    /** The store's own cap, or {@link StoreOptions#NO_CAP}. */
    public long getMaxBytes() {
        return maxBytes;
    }

    public long getFileSystemFreeBytes() {
        return fileSystemFreeBytes;
    }

    public long getFileSystemTotalBytes() {
        return fileSystemTotalBytes;
    }

    /** Room left for new entries: the smaller of the file system's free space and the cap's remainder. */
    public long getAvailableBytes() {
        if (maxBytes == StoreOptions.NO_CAP) {
            return fileSystemFreeBytes;
        }
        return Math.max(0, Math.min(fileSystemFreeBytes, maxBytes - bytesUsed));
    }

    @Override
    public String toString() {
        return "StoreUsage{entries=" + entries + ", bytesUsed=" + bytesUsed + ", maxBytes=" + maxBytes
            + ", free=" + fileSystemFreeBytes + ", total=" + fileSystemTotalBytes + "}";
    }
}
