package io.ramspool.spool.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * One way of damaging a file, as a fuzzer draws it: what to do, where (a fraction of the file's
 * length, so that the same damage fits any file), how many bytes, and the seed of any garbage.
 */
public record FileDamage(Kind kind, int target, double where, int length, long seed) {
    /** What happens to the file. */
    public enum Kind {
        /** Cut at {@code where}: a write interrupted by a crash, or a copy that ran out of room. */
        TRUNCATE,
        /** One bit flipped at {@code where}: a bad RAM cell or a stray write. */
        FLIP,
        /** {@code length} random bytes written over the file at {@code where}. */
        GARBAGE,
        /** {@code length} zero bytes at {@code where}: a hole a power loss can leave. */
        ZEROS,
        /** {@code length} random bytes appended. */
        APPEND,
        /** The whole file replaced by random bytes. */
        REPLACE,
        /** The file removed. */
        DELETE
    }

    /** Applies this damage to {@code file}. A damage may happen to leave the bytes as they were. */
    public void applyTo(Path file) throws IOException {
        if (kind == Kind.DELETE) {
            Files.deleteIfExists(file);
            return;
        }
        if (kind == Kind.REPLACE) {
            Files.write(file, garbage(length * 37), StandardOpenOption.TRUNCATE_EXISTING);
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long position = (long) (where * raf.length());
            switch (kind) {
                case TRUNCATE -> raf.setLength(position);
                case FLIP -> flip(raf, position);
                case GARBAGE -> overwrite(raf, position, garbage(length));
                case ZEROS -> overwrite(raf, position, new byte[length]);
                case APPEND -> overwrite(raf, raf.length(), garbage(length));
                default -> throw new IllegalStateException("unhandled damage " + kind);
            }
        }
    }

    private void flip(RandomAccessFile raf, long position) throws IOException {
        if (raf.length() == 0) {
            return;
        }
        raf.seek(position);
        int value = raf.read();
        raf.seek(position);
        raf.write(value ^ (1 << (length % 8)));
    }

    private static void overwrite(RandomAccessFile raf, long position, byte[] bytes) throws IOException {
        raf.seek(position);
        raf.write(bytes);
    }

    private byte[] garbage(int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
