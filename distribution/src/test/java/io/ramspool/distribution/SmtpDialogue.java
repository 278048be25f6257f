package io.ramspool.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain SMTP client for tests: one command, one reply, and a choice of local address. The fault
 * suite also writes raw bytes through it (bare LF, NUL, pipelined bursts) and reads replies on its own.
 */
public final class SmtpDialogue implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 30_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private SmtpDialogue(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code localAddress} to 127.0.0.1:port, reads the greeting and says EHLO. */
    public static SmtpDialogue connect(String localAddress, int port) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            SmtpDialogue dialogue = new SmtpDialogue(socket);
            dialogue.readReply();
            dialogue.command("EHLO client.test");
            return dialogue;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command line and returns the last line of the reply, e.g. "250 2.1.0 Sender OK". */
    public String command(String line) {
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a whole mail on this connection; returns the reply to the final dot. */
    public String send(String from, String to, String message) {
        expectOk(command("MAIL FROM:<" + from + ">"));
        expectOk(command("RCPT TO:<" + to + ">"));
        String dataReply = command("DATA");
        if (!dataReply.startsWith("354")) {
            throw new IllegalStateException("DATA refused: " + dataReply);
        }
        String body = message.replace("\r\n", "\n").replace("\n", "\r\n").replace("\r\n.", "\r\n..");
        return command(body + (body.endsWith("\r\n") ? "" : "\r\n") + ".");
    }

    private static void expectOk(String reply) {
        if (!reply.startsWith("250")) {
            throw new IllegalStateException("unexpected SMTP reply: " + reply);
        }
    }

    /** How long a read waits for the server before it fails; 30 s unless set. */
    public SmtpDialogue withReadTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes {@code bytes} as they are, without waiting for a reply. */
    public void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one reply and returns its last line; fails when the server closed the connection. */
    public String reply() {
        try {
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readReply() throws IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        if (line == null) {
            throw new IOException("connection closed by the server");
        }
        return line;
    }

    /** Closes the connection at once, without QUIT: a client that vanishes. */
    public void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // The connection is gone either way, which is what the caller wants.
        }
    }

    @Override
    public void close() {
        try {
            command("QUIT");
        } catch (UncheckedIOException ignored) {
            // The server may already have closed the connection; nothing is left to say.
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a test socket cannot fail in a way that matters to the test.
            }
        }
    }
}
