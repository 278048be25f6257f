package io.ramspool.spool.internal.store;

import java.nio.file.Path;

import com.google.common.base.Preconditions;

/**
 * A committed entry: where its file is, its header, and where the MIME bytes sit in the file.
 * Immutable; the file it points to may have been deleted since (a removed or delivered mail).
 */
public final class SpoolEntry {
    private final AreaId area;
    private final Path path;
    private final EntryHeader header;
    private final long bodyOffset;
    private final long bodyLength;
    private final long fileSize;

    public SpoolEntry(AreaId area, Path path, EntryHeader header, long bodyOffset, long bodyLength, long fileSize) {
        this.area = Preconditions.checkNotNull(area, "area");
        this.path = Preconditions.checkNotNull(path, "path");
        this.header = Preconditions.checkNotNull(header, "header");
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
        this.fileSize = fileSize;
    }

    public AreaId getArea() {
        return area;
    }

    public Path getPath() {
        return path;
    }

    public EntryHeader getHeader() {
        return header;
    }

    public long getSequence() {
        return header.getSequence();
    }

    public long getBodyOffset() {
        return bodyOffset;
    }

    public long getBodyLength() {
        return bodyLength;
    }

    public long getFileSize() {
        return fileSize;
    }

    @Override
    public String toString() {
        return "SpoolEntry{" + area + ", " + path.getFileName() + ", size=" + fileSize + "}";
    }
}
