package io.ramspool.spool;

import java.nio.file.Files;
import java.nio.file.Path;

import com.google.common.base.Preconditions;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreUsage;

/** The status of an open {@link SpoolStore}, read from its accounting. */
public final class StoreSpoolStatus implements SpoolStatus {
    private final SpoolStore store;

    public StoreSpoolStatus(SpoolStore store) {
        this.store = Preconditions.checkNotNull(store, "store");
    }

    @Override
    public Path getDirectory() {
        return store.getRoot();
    }

    @Override
    public long getEntryCount() {
        return store.getEntryCount();
    }

    @Override
    public long getBytesUsed() {
        return store.getBytesUsed();
    }

    @Override
    public long getMaxBytes() {
        return store.getOptions().getMaxBytes();
    }

    @Override
    public long getFileSystemFreeBytes() {
        return usage().getFileSystemFreeBytes();
    }

    @Override
    public long getFileSystemTotalBytes() {
        return usage().getFileSystemTotalBytes();
    }

    private StoreUsage usage() {
        return store.getUsage();
    }

    @Override
    public boolean isWritable() {
        return Files.isDirectory(store.getRoot()) && Files.isWritable(store.getRoot());
    }
}
