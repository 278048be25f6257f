package io.ramspool.spool.internal.store;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import com.google.common.base.Preconditions;

/**
 * Names one area of the store: a queue or a repository. Each area is a directory
 * {@code <root>/<kind>/<encoded name>}; the encoding keeps any name (a queue name, a repository
 * URL) a single safe file name and is reversible, so the offline tools can print the original.
 */
public final class AreaId {

    /** What kind of view owns the area; also the first directory level under the store root. */
    public enum Kind {
        QUEUE("queue"),
        REPOSITORY("repository");

        private final String directoryName;

        Kind(String directoryName) {
            this.directoryName = directoryName;
        }

        public String getDirectoryName() {
            return directoryName;
        }

        static Kind fromDirectoryName(String directoryName) {
            for (Kind kind : values()) {
                if (kind.directoryName.equals(directoryName)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown area kind directory: " + directoryName);
        }
    }

    private static final String SAFE_CHARACTERS =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    private final Kind kind;
    private final String name;

    private AreaId(Kind kind, String name) {
        Preconditions.checkNotNull(kind, "kind");
        Preconditions.checkArgument(name != null && !name.isEmpty(), "area name must not be empty");
        this.kind = kind;
        this.name = name;
    }

    public static AreaId queue(String name) {
        return new AreaId(Kind.QUEUE, name);
    }

    public static AreaId repository(String url) {
        return new AreaId(Kind.REPOSITORY, url);
    }

    /**
     * The area stored in directory {@code <kindDirectory>/<encodedName>}.
     *
     * @throws IllegalArgumentException when the kind is unknown or the name is not a valid encoding
     */
    public static AreaId fromDirectory(String kindDirectory, String encodedName) {
        return new AreaId(Kind.fromDirectoryName(kindDirectory), decode(encodedName));
    }

    public Kind getKind() {
        return kind;
    }

    public String getName() {
        return name;
    }

    /** The area's directory name: reversible, made of letters, digits, '-', '_' and %XX escapes. */
    public String encodedName() {
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (b >= 0 && SAFE_CHARACTERS.indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return encoded.toString();
    }

    static String decode(String encodedName) {
        byte[] out = new byte[encodedName.length()];
        int length = 0;
        for (int i = 0; i < encodedName.length(); i++) {
            char c = encodedName.charAt(i);
            if (c == '%') {
                Preconditions.checkArgument(i + 2 < encodedName.length(),
                    "bad area directory name: %s", encodedName);
                out[length++] = (byte) Integer.parseInt(encodedName.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[length++] = (byte) c;
            }
        }
        return new String(out, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof AreaId) {
            AreaId that = (AreaId) o;
            return kind == that.kind && name.equals(that.name);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name);
    }

    @Override
    public String toString() {
        return kind.getDirectoryName() + ":" + name;
    }
}
