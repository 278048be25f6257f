package io.ramspool.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.common.base.Preconditions;

/**
 * The status of a spool directory seen only through its file system, for a server where no
 * ramspool store is open (an SMTP capacity guard dropped into a stock James): occupied bytes are
 * whatever the file system says, and the mail count is unknown (always 0).
 */
public final class FileSystemSpoolStatus implements SpoolStatus {
    private final Path directory;
    private final FileStore fileStore;

    public FileSystemSpoolStatus(Path directory) {
        this.directory = Preconditions.checkNotNull(directory, "directory");
        try {
            this.fileStore = Files.getFileStore(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file system of spool directory " + directory, e);
        }
    }

    @Override
    public Path getDirectory() {
        return directory;
    }

    @Override
    public long getEntryCount() {
        return 0;
    }

    @Override
    public long getBytesUsed() {
        return Math.max(0, getFileSystemTotalBytes() - getFileSystemFreeBytes());
    }

    @Override
    public long getMaxBytes() {
        return 0;
    }

    @Override
    public long getFileSystemFreeBytes() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public long getFileSystemTotalBytes() {
        try {
            return fileStore.getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public boolean isWritable() {
        return Files.isDirectory(directory) && Files.isWritable(directory);
    }
}
