package io.ramspool.benchmarks.relay;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Buffered reading of an SMTP stream: command and header lines as strings, message bodies
 * skipped byte by byte without building strings, so that a 1 MiB mail costs the sink little.
 * Not thread-safe: one per connection.
 */
final class SmtpInput {
    private static final int MAX_LINE = 8192;
    private static final int LINE_START = 0;
    private static final int DOT = 1;
    private static final int DOT_CR = 2;
    private static final int IN_LINE = 3;

    private final InputStream in;
    private final byte[] buffer = new byte[65536];
    private int position;
    private int limit;

    SmtpInput(InputStream in) {
        this.in = in;
    }

    /** Whether the client has sent more than was read: then it is not yet waiting for answers. */
    boolean hasBufferedInput() throws IOException {
        return position < limit || in.available() > 0;
    }

    /** One line without its line ending; null at end of stream. Lines longer than the limit are cut. */
    String readLine() throws IOException {
        byte[] line = new byte[128];
        int length = 0;
        while (position < limit || fill()) {
            byte b = buffer[position++];
            if (b == '\n') {
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                return new String(line, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (length == line.length && length < MAX_LINE) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE, length * 2));
            }
            if (length < line.length) {
                line[length++] = b;
            }
        }
        return length == 0 ? null : new String(line, 0, length, StandardCharsets.ISO_8859_1);
    }

    /**
     * Skips the rest of a DATA body, up to and including the line that holds a single dot. Must be
     * called at the start of a line.
     *
     * @throws EOFException when the stream ends first
     */
    void skipData() throws IOException {
        int state = LINE_START;
        while (position < limit || fill()) {
            byte b = buffer[position++];
            state = next(state, b);
            if (state < 0) {
                return;
            }
        }
        throw new EOFException("connection closed inside DATA");
    }

    /** The scanner's next state; negative once the final dot line is complete. */
    private static int next(int state, byte b) {
        return switch (state) {
            case LINE_START -> b == '.' ? DOT : lineState(b);
            case DOT -> b == '\r' ? DOT_CR : (b == '\n' ? -1 : lineState(b));
            case DOT_CR -> b == '\n' ? -1 : lineState(b);
            default -> lineState(b);
        };
    }

    private static int lineState(byte b) {
        return b == '\n' ? LINE_START : IN_LINE;
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }
}
