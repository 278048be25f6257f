package io.ramspool.spool.internal.store;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

import javax.mail.MessagingException;

import com.google.common.io.ByteStreams;
import com.google.common.io.CountingOutputStream;

/**
 * The on-disk format of one spool entry, version 1.
 *
 * <pre>
 *   "RSPE"  magic, 4 bytes
 *   u16     format version (1)
 *   u32     header length H
 *   H bytes header: the {@link EntryHeader} fields, big-endian, strings as u32 length + UTF-8
 *           (length -1 for an absent value)
 *   B bytes the raw MIME message
 *   u64     B, the body length
 *   u32     CRC32C of every byte before this field
 *   "EPSR"  end magic, 4 bytes
 * </pre>
 *
 * The body length sits in the trailer so that a message can be streamed without knowing its
 * size first; a reader checks it against the file size, which catches a truncated file before
 * the checksum is even computed.
 */
public final class EntryFile {
    static final int FORMAT_VERSION = 1;
    static final int MAGIC = 0x52535045;
    static final int END_MAGIC = 0x45505352;
    static final int PREFIX_LENGTH = 4 + 2 + 4;
    static final int TRAILER_LENGTH = 8 + 4 + 4;
    private static final int MAX_HEADER_LENGTH = 64 * 1024 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Most mails are a few KiB: a 64 KiB buffer per write was mostly garbage to collect. */
    private static final int WRITE_BUFFER_SIZE = 16 * 1024;

    private EntryFile() {
    }

    /** Where the parts of a freshly written file are. */
    record Written(long fileSize, long bodyOffset, long bodyLength) {
    }

    /**
     * Writes a complete entry file at {@code path}, which must not exist.
     * When {@code sync} is set the file's data is forced to the device before returning.
     */
    static Written write(Path path, EntryHeader header, BodyWriter body, boolean sync)
            throws IOException, MessagingException {
        byte[] encodedHeader = encodeHeader(header);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            // The checksum is taken below the buffer, over whole buffers: a message writes itself in
            // many small pieces (header lines), and each piece through the CRC cost a call.
            DataOutputStream checked = new DataOutputStream(new BufferedOutputStream(
                new CheckedOutputStream(Channels.newOutputStream(channel), crc), WRITE_BUFFER_SIZE));
            checked.writeInt(MAGIC);
            checked.writeShort(FORMAT_VERSION);
            checked.writeInt(encodedHeader.length);
            checked.write(encodedHeader);
            CountingOutputStream bodyOut = new CountingOutputStream(new UnclosableOutputStream(checked));
            body.writeTo(bodyOut);
            checked.writeLong(bodyOut.getCount());
            checked.flush();
            ByteBuffer trailer = ByteBuffer.allocate(8).putInt((int) crc.getValue()).putInt(END_MAGIC).flip();
            while (trailer.hasRemaining()) {
                channel.write(trailer);
            }
            if (sync) {
                channel.force(true);
            }
            long bodyOffset = PREFIX_LENGTH + (long) encodedHeader.length;
            return new Written(bodyOffset + bodyOut.getCount() + TRAILER_LENGTH, bodyOffset, bodyOut.getCount());
        }
    }

    /** Reads and checks the structure of an entry file, without verifying its checksum. */
    static SpoolEntry read(AreaId area, Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < PREFIX_LENGTH + TRAILER_LENGTH) {
                throw new CorruptEntryException(path, "file too short: " + fileSize + " bytes, at least "
                    + (PREFIX_LENGTH + TRAILER_LENGTH) + " expected");
            }
            int headerLength = readPrefix(channel, path, fileSize);
            EntryHeader header = decodeHeader(path, readFully(channel, PREFIX_LENGTH, headerLength, path));
            long bodyOffset = PREFIX_LENGTH + (long) headerLength;
            long bodyLength = readTrailer(channel, path, fileSize, bodyOffset);
            return new SpoolEntry(area, path, header, bodyOffset, bodyLength, fileSize);
        }
    }

    /** Recomputes the checksum of the whole file and compares it with the stored one. */
    static void verifyChecksum(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            long covered = fileSize - 8;
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
            long position = 0;
            while (position < covered) {
                buffer.clear();
                buffer.limit((int) Math.min(BUFFER_SIZE, covered - position));
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new CorruptEntryException(path, "unexpected end of file at byte " + position);
                }
                buffer.flip();
                crc.update(buffer);
                position += read;
            }
            int stored = readFully(channel, covered, 4, path).getInt();
            int computed = (int) crc.getValue();
            if (stored != computed) {
                throw new CorruptEntryException(path, String.format("checksum mismatch: stored %08x, computed %08x",
                    stored, computed));
            }
        }
    }

    /** Opens a stream over the MIME bytes of an entry. The caller closes it. */
    static InputStream openBody(SpoolEntry entry) throws IOException {
        FileChannel channel = FileChannel.open(entry.getPath(), StandardOpenOption.READ);
        channel.position(entry.getBodyOffset());
        return ByteStreams.limit(Channels.newInputStream(channel), entry.getBodyLength());
    }

    private static int readPrefix(FileChannel channel, Path path, long fileSize) throws IOException {
        ByteBuffer prefix = readFully(channel, 0, PREFIX_LENGTH, path);
        int magic = prefix.getInt();
        if (magic != MAGIC) {
            throw new CorruptEntryException(path, String.format("bad magic: expected %08x, found %08x", MAGIC, magic));
        }
        int version = prefix.getShort() & 0xFFFF;
        if (version != FORMAT_VERSION) {
            throw new CorruptEntryException(path, "unsupported format version: expected " + FORMAT_VERSION
                + ", found " + version);
        }
        int headerLength = prefix.getInt();
        long room = fileSize - PREFIX_LENGTH - TRAILER_LENGTH;
        if (headerLength < 0 || headerLength > MAX_HEADER_LENGTH || headerLength > room) {
            throw new CorruptEntryException(path, "header length " + headerLength + " does not fit in "
                + room + " bytes");
        }
        return headerLength;
    }

    private static long readTrailer(FileChannel channel, Path path, long fileSize, long bodyOffset)
            throws IOException {
        ByteBuffer trailer = readFully(channel, fileSize - TRAILER_LENGTH, TRAILER_LENGTH, path);
        long bodyLength = trailer.getLong();
        trailer.getInt();
        int endMagic = trailer.getInt();
        if (endMagic != END_MAGIC) {
            throw new CorruptEntryException(path, String.format("bad end magic: expected %08x, found %08x"
                + " (truncated or partly written file)", END_MAGIC, endMagic));
        }
        long expectedSize = bodyOffset + bodyLength + TRAILER_LENGTH;
        if (bodyLength < 0 || expectedSize != fileSize) {
            throw new CorruptEntryException(path, "file size " + fileSize + " does not match the recorded body"
                + " length " + bodyLength + " (expected " + expectedSize + " bytes)");
        }
        return bodyLength;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path path)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                long offset = position + buffer.position();
                throw new CorruptEntryException(path, "unexpected end of file at byte " + offset);
            }
        }
        buffer.flip();
        return buffer;
    }

    /** Keeps a body writer that closes its stream from closing the entry file under us. */
    private static final class UnclosableOutputStream extends FilterOutputStream {
        UnclosableOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    static byte[] encodeHeader(EntryHeader header) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(header.getSequence());
        out.writeLong(header.getEnqueuedAtMillis());
        out.writeLong(header.getNextDeliveryMillis());
        out.writeInt(header.getPriority());
        out.writeBoolean(header.hasMessage());
        writeString(out, header.getKey().orElse(null));
        writeString(out, header.getName());
        writeString(out, header.getState().orElse(null));
        writeString(out, header.getErrorMessage().orElse(null));
        writeString(out, header.getSender().orElse(null));
        writeStrings(out, header.getRecipients());
        out.writeLong(header.getLastUpdatedMillis());
        writeString(out, header.getRemoteHost().orElse(null));
        writeString(out, header.getRemoteAddr().orElse(null));
        writeAttributes(out, header.getAttributesAsJson());
        writeRecipientHeaders(out, header.getRecipientHeaders());
        out.flush();
        return bytes.toByteArray();
    }

    static EntryHeader decodeHeader(Path path, ByteBuffer encoded) throws CorruptEntryException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded.array(), 0, encoded.limit()));
        try {
            EntryHeader.Builder builder = EntryHeader.builder()
                .sequence(in.readLong())
                .enqueuedAtMillis(in.readLong())
                .nextDeliveryMillis(in.readLong())
                .priority(in.readInt())
                .hasMessage(in.readBoolean())
                .key(readString(in))
                .name(readString(in))
                .state(readString(in))
                .errorMessage(readString(in))
                .sender(readString(in))
                .recipients(readStrings(in))
                .lastUpdatedMillis(in.readLong())
                .remoteHost(readString(in))
                .remoteAddr(readString(in))
                .attributesAsJson(readAttributes(in))
                .recipientHeaders(readRecipientHeaders(in));
            if (in.available() != 0) {
                throw new CorruptEntryException(path, in.available() + " unexpected bytes after the header fields");
            }
            return builder.build();
        } catch (EOFException e) {
            throw new CorruptEntryException(path, "header ends before its last field");
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptEntryException(path, "unreadable header: " + e.getMessage());
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IOException("string length " + length + " exceeds the header");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int count = readCount(in);
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(requireString(in));
        }
        return values;
    }

    private static void writeAttributes(DataOutputStream out, Map<String, String> attributes) throws IOException {
        out.writeInt(attributes.size());
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            writeString(out, attribute.getKey());
            writeString(out, attribute.getValue());
        }
    }

    private static Map<String, String> readAttributes(DataInputStream in) throws IOException {
        int count = readCount(in);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            attributes.put(requireString(in), requireString(in));
        }
        return attributes;
    }

    private static void writeRecipientHeaders(DataOutputStream out, List<EntryHeader.RecipientHeader> headers)
            throws IOException {
        out.writeInt(headers.size());
        for (EntryHeader.RecipientHeader header : headers) {
            writeString(out, header.getRecipient());
            writeString(out, header.getName());
            writeString(out, header.getValue());
        }
    }

    private static List<EntryHeader.RecipientHeader> readRecipientHeaders(DataInputStream in) throws IOException {
        int count = readCount(in);
        List<EntryHeader.RecipientHeader> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            headers.add(new EntryHeader.RecipientHeader(requireString(in), requireString(in), requireString(in)));
        }
        return headers;
    }

    private static int readCount(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available()) {
            throw new IOException("element count " + count + " exceeds the header");
        }
        return count;
    }

    private static String requireString(DataInputStream in) throws IOException {
        String value = readString(in);
        if (value == null) {
            throw new IOException("missing value where one is required");
        }
        return value;
    }
}
