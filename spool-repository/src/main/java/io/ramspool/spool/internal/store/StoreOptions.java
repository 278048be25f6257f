package io.ramspool.spool.internal.store;

import java.nio.file.Path;
import java.util.Objects;

import com.google.common.base.Preconditions;

/** How a store is opened: where, whether writes are synced, and its size cap. Immutable. */
public final class StoreOptions {
    /** A cap of zero means "no cap of our own": only the file system's size limits the store. */
    public static final long NO_CAP = 0;

    private final Path root;
    private final boolean durable;
    private final long maxBytes;
    private final boolean verifyChecksumsOnOpen;

    public StoreOptions(Path root, boolean durable, long maxBytes, boolean verifyChecksumsOnOpen) {
        Preconditions.checkNotNull(root, "root");
        Preconditions.checkArgument(maxBytes >= 0, "maxBytes must not be negative, got %s", maxBytes);
        this.root = root.toAbsolutePath().normalize();
        this.durable = durable;
        this.maxBytes = maxBytes;
        this.verifyChecksumsOnOpen = verifyChecksumsOnOpen;
    }

    public static StoreOptions ramDisk(Path root) {
        return new StoreOptions(root, false, NO_CAP, true);
    }

    public static StoreOptions durable(Path root) {
        return new StoreOptions(root, true, NO_CAP, true);
    }

    public StoreOptions withMaxBytes(long newMaxBytes) {
        return new StoreOptions(root, durable, newMaxBytes, verifyChecksumsOnOpen);
    }

    public Path getRoot() {
        return root;
    }

    /** Durable stores fsync each entry and its directory before a write returns. */
    public boolean isDurable() {
        return durable;
    }

    public long getMaxBytes() {
        return maxBytes;
    }

    public boolean isVerifyChecksumsOnOpen() {
        return verifyChecksumsOnOpen;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof StoreOptions) {
            StoreOptions that = (StoreOptions) o;
            return root.equals(that.root) && durable == that.durable && maxBytes == that.maxBytes
                && verifyChecksumsOnOpen == that.verifyChecksumsOnOpen;
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, durable, maxBytes, verifyChecksumsOnOpen);
    }

    @Override
    public String toString() {
        return "StoreOptions{root=" + root + ", durable=" + durable + ", maxBytes=" + maxBytes + "}";
    }
}
