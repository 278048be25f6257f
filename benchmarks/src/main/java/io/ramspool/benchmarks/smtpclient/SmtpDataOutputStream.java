package io.ramspool.benchmarks.smtpclient;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns a message into the form SMTP DATA needs: every line ends with CRLF (a bare CR or LF
 * becomes CRLF, so a receiver cannot read an end of data that the sender did not mean), a dot
 * at the start of a line is doubled, and {@link #close()} ends an unterminated last line. The
 * terminating dot itself is not written. Not thread-safe.
 */
final class SmtpDataOutputStream extends FilterOutputStream {
    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final int DOT = '.';

    // The start of the data counts as the start of a line.
    private int last = LF;

    SmtpDataOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int value) throws IOException {
        int b = value & 0xFF;
        if (last == CR && b != LF) {
            out.write(LF);
            last = LF;
        }
        if (b == LF && last != CR) {
            out.write(CR);
        } else if (b == DOT && last == LF) {
            out.write(DOT);
        }
        out.write(b);
        last = b;
    }

    /** Copies runs of bytes that need no change in one call: the common case is whole lines. */
    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        int runStart = offset;
        for (int i = offset; i < end; i++) {
            int b = bytes[i] & 0xFF;
            if (needsRewrite(b)) {
                out.write(bytes, runStart, i - runStart);
                write(b);
                runStart = i + 1;
            } else {
                last = b;
            }
        }
        out.write(bytes, runStart, end - runStart);
    }

    @Override
    public void close() throws IOException {
        if (last == CR) {
            out.write(LF);
        } else if (last != LF) {
            out.write(CR);
            out.write(LF);
        }
        last = LF;
        super.close();
    }

    private boolean needsRewrite(int b) {
        return (last == CR && b != LF) || (b == LF && last != CR) || (b == DOT && last == LF);
    }
}
