package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * The table of contents of a dump, format version 1: a UTF-8 text file, one item per line.
 *
 * <pre>
 *   ramspool-dump-manifest 1
 *   created 2026-12-03T10:00:00.123Z
 *   source /dev/shm/ramspool
 *   files 2
 *   file queue/spool/0000000000000001.msg 10456 1a2b3c4d
 *   file quarantine/queue/spool/0000000000000005.msg.reason 42 0badf00d
 *   end-crc32c 9f8e7d6c
 * </pre>
 *
 * Each {@code file} line gives a path relative to the dump directory (area directories use the
 * store's reversible name encoding, so paths never contain spaces), the file's size in bytes and
 * the CRC32C of all its bytes. The last line holds the CRC32C of every byte before it, so a
 * truncated or altered manifest is detected. Immutable.
 */
public final class DumpManifest {
    public static final String FILE_NAME = "MANIFEST";
    public static final int FORMAT_VERSION = 1;
    static final String MAGIC = "ramspool-dump-manifest";
    private static final String END = "end-crc32c ";

    /** One file of the dump as the manifest records it. */
    public record Entry(String path, long size, int crc32c) {
        public Entry {
            Preconditions.checkArgument(path != null && !path.isEmpty() && !path.contains(" ")
                && !path.startsWith("/") && !path.contains(".."), "bad dump file path: %s", path);
            Preconditions.checkArgument(size >= 0, "size must not be negative, got %s", size);
        }
    }

    private final Instant created;
    private final String source;
    private final ImmutableList<Entry> files;

    public DumpManifest(Instant created, String source, List<Entry> files) {
        this.created = Preconditions.checkNotNull(created, "created");
        this.source = Preconditions.checkNotNull(source, "source");
        this.files = ImmutableList.copyOf(files);
    }

    public Instant getCreated() {
        return created;
    }

    /** The store directory the dump was taken from. */
    public String getSource() {
        return source;
    }

    public List<Entry> getFiles() {
        return files;
    }

    /** The files by path, for lookups during reload. */
    public Map<String, Entry> getFilesByPath() {
        ImmutableMap.Builder<String, Entry> byPath = ImmutableMap.builder();
        files.forEach(file -> byPath.put(file.path(), file));
        return byPath.buildKeepingLast();
    }

    public byte[] encode() {
        StringBuilder text = new StringBuilder(64 + files.size() * 60)
            .append(MAGIC).append(' ').append(FORMAT_VERSION).append('\n')
            .append("created ").append(created).append('\n')
            .append("source ").append(source.replace('\n', ' ')).append('\n')
            .append("files ").append(files.size()).append('\n');
        for (Entry file : files) {
            text.append("file ").append(file.path()).append(' ').append(file.size()).append(' ')
                .append(String.format("%08x", file.crc32c())).append('\n');
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        String end = END + String.format("%08x", crc32c(body, body.length)) + "\n";
        byte[] encoded = new byte[body.length + end.length()];
        System.arraycopy(body, 0, encoded, 0, body.length);
        System.arraycopy(end.getBytes(StandardCharsets.US_ASCII), 0, encoded, body.length, end.length());
        return encoded;
    }

    /**
     * Reads and checks a manifest: magic, format version, completeness, checksum, then each line.
     *
     * @throws CorruptManifestException naming the first problem found, for a missing file too
     * @throws IOException when the file cannot be read
     */
    public static DumpManifest read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptManifestException(file, "file is missing");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        checkVersion(file, text);
        int endLine = checkComplete(file, text);
        checkChecksum(file, text, bytes, endLine);
        return parseLines(file, text.substring(0, endLine).split("\n"));
    }

    private static void checkVersion(Path file, String text) throws CorruptManifestException {
        String first = text.lines().findFirst().orElse("");
        if (!first.startsWith(MAGIC + " ")) {
            throw new CorruptManifestException(file, "not a ramspool dump manifest (first line '"
                + abbreviate(first) + "')");
        }
        String version = first.substring(MAGIC.length() + 1).trim();
        if (!version.equals(String.valueOf(FORMAT_VERSION))) {
            throw new CorruptManifestException(file, "unsupported manifest format version: expected "
                + FORMAT_VERSION + ", found " + abbreviate(version));
        }
    }

    private static int checkComplete(Path file, String text) throws CorruptManifestException {
        int endLine = text.lastIndexOf('\n' + END);
        if (!text.endsWith("\n") || endLine < 0 || text.indexOf('\n', endLine + 1) != text.length() - 1) {
            throw new CorruptManifestException(file, "truncated: the last line is not the end-crc32c line ("
                + text.length() + " characters)");
        }
        return endLine + 1;
    }

    private static void checkChecksum(Path file, String text, byte[] bytes, int endLine)
            throws CorruptManifestException {
        // Counted in the raw bytes: re-encoding the decoded text would turn each invalid UTF-8 byte
        // of a damaged manifest into three and point past the end of the file.
        int covered = lastIndexOf(bytes, ('\n' + END).getBytes(StandardCharsets.US_ASCII)) + 1;
        String storedHex = text.substring(endLine + END.length(), text.length() - 1).trim();
        int computed = crc32c(bytes, covered);
        if (!storedHex.equals(String.format("%08x", computed))) {
            throw new CorruptManifestException(file, "checksum mismatch: stored " + abbreviate(storedHex)
                + ", computed " + String.format("%08x", computed));
        }
    }

    private static DumpManifest parseLines(Path file, String[] lines) throws CorruptManifestException {
        if (lines.length < 4) {
            throw new CorruptManifestException(file, "only " + lines.length + " lines before the checksum line");
        }
        Instant created = parseCreated(file, value(file, lines[1], "created"));
        String source = value(file, lines[2], "source");
        long declared = parseNumber(file, value(file, lines[3], "files"), 4);
        ImmutableList.Builder<Entry> files = ImmutableList.builder();
        for (int i = 4; i < lines.length; i++) {
            files.add(parseFile(file, lines[i], i + 1));
        }
        DumpManifest manifest = new DumpManifest(created, source, files.build());
        if (manifest.files.size() != declared) {
            throw new CorruptManifestException(file, "declares " + declared + " files but lists "
                + manifest.files.size());
        }
        return manifest;
    }

    private static Entry parseFile(Path file, String line, int lineNumber) throws CorruptManifestException {
        String[] fields = line.split(" ");
        if (fields.length != 4 || !fields[0].equals("file")) {
            throw new CorruptManifestException(file, "line " + lineNumber + " is not a file line: '"
                + abbreviate(line) + "'");
        }
        try {
            return new Entry(fields[1], parseNumber(file, fields[2], lineNumber),
                Integer.parseUnsignedInt(fields[3], 16));
        } catch (IllegalArgumentException e) {
            throw new CorruptManifestException(file, "line " + lineNumber + ": " + e.getMessage());
        }
    }

    private static String value(Path file, String line, String key) throws CorruptManifestException {
        if (!line.startsWith(key + " ")) {
            throw new CorruptManifestException(file, "expected a '" + key + "' line, found '" + abbreviate(line)
                + "'");
        }
        return line.substring(key.length() + 1);
    }

    private static Instant parseCreated(Path file, String value) throws CorruptManifestException {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new CorruptManifestException(file, "bad created time '" + abbreviate(value) + "'");
        }
    }

    private static long parseNumber(Path file, String value, int lineNumber) throws CorruptManifestException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CorruptManifestException(file, "line " + lineNumber + ": bad number '" + abbreviate(value)
                + "'");
        }
    }

    private static int lastIndexOf(byte[] bytes, byte[] wanted) {
        for (int start = bytes.length - wanted.length; start >= 0; start--) {
            if (Arrays.equals(bytes, start, start + wanted.length, wanted, 0, wanted.length)) {
                return start;
            }
        }
        return -1;
    }

    private static int crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "...";
    }
}
