package io.ramspool.benchmarks.relay;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fast SMTP sink on loopback: accepts every mail, keeps nothing but counts, and for each mail
 * that carries an {@value #SENT_HEADER} header records how long it took from the client's send
 * to the final dot here. One thread per connection; a relay reusing connections shows as few
 * connections for many mails. It offers PIPELINING and, as RFC 2920 asks, sends the answers to a
 * group of pipelined commands together once it has read the whole group. Thread-safe.
 */
public final class SinkSmtpServer implements AutoCloseable {
    static final String SENT_HEADER = "X-Bench-Sent";
    static final String SEQUENCE_HEADER = "X-Bench-Seq";
    private static final int MAX_LINE = 8192;

    private final ServerSocket serverSocket;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sink-smtp");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong lastReceivedNanos = new AtomicLong();
    private volatile AtomicLongArray latencies = new AtomicLongArray(0);

    private final long greetingDelayMillis;
    private final long replyDelayNanos;

    private SinkSmtpServer(long greetingDelayMillis, Duration replyDelay) throws IOException {
        this.greetingDelayMillis = greetingDelayMillis;
        this.replyDelayNanos = replyDelay.toNanos();
        this.serverSocket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        executor.execute(this::acceptLoop);
    }

    /**
     * @param greetingDelayMillis wait before the 220 greeting of each connection: 0 for a sink on
     *     loopback, or the cost of setting up a connection to a remote server (round trips, TLS)
     */
    public static SinkSmtpServer start(long greetingDelayMillis) {
        return start(greetingDelayMillis, Duration.ZERO);
    }

    /**
     * @param greetingDelayMillis as in {@link #start(long)}
     * @param replyDelay wait before each batch of answers leaves: zero on loopback, or a network
     *     round trip, which a client pays once per answer it waits for
     */
    public static SinkSmtpServer start(long greetingDelayMillis, Duration replyDelay) {
        try {
            return new SinkSmtpServer(greetingDelayMillis, replyDelay);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the sink's server socket on loopback", e);
        }
    }

    public int getPort() {
        return serverSocket.getLocalPort();
    }

    /** Zeroes the counters and makes room for the latencies of mails numbered 0 to {@code expected - 1}. */
    void reset(int expected) {
        latencies = new AtomicLongArray(expected);
        received.set(0);
        connections.set(0);
        lastReceivedNanos.set(0);
    }

    public int getReceived() {
        return received.get();
    }

    public int getConnections() {
        return connections.get();
    }

    long getLastReceivedNanos() {
        return lastReceivedNanos.get();
    }

    /** Latency in nanoseconds of mail {@code sequence}, 0 when it has not arrived. */
    long getLatencyNanos(int sequence) {
        return latencies.get(sequence);
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                connections.incrementAndGet();
                executor.execute(() -> serve(socket));
            } catch (IOException ignored) {
                // close() closed the server socket; the loop ends.
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            if (greetingDelayMillis > 0) {
                Thread.sleep(greetingDelayMillis);
            }
            reply(in, out, "220 sink ready");
            converse(in, out);
        } catch (IOException ignored) {
            // The relay closed the connection; every mail it finished is counted already.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void converse(InputStream in, OutputStream out) throws IOException {
        for (String line = readLine(in); line != null; line = readLine(in)) {
            String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
            switch (command) {
                case "EHLO" -> reply(in, out,
                    "250-sink\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 104857600");
                case "DATA" -> {
                    reply(in, out, "354 go ahead");
                    readMessage(in);
                    reply(in, out, "250 2.0.0 accepted");
                }
                case "QUIT" -> {
                    reply(in, out, "221 2.0.0 bye");
                    out.flush();
                    return;
                }
                default -> reply(in, out, "250 2.0.0 ok");
            }
        }
    }

    private void readMessage(InputStream in) throws IOException {
        long sentNanos = 0;
        int sequence = -1;
        boolean inHeaders = true;
        for (String line = readLine(in); line != null && !line.equals("."); line = readLine(in)) {
            if (inHeaders && line.isEmpty()) {
                inHeaders = false;
            } else if (inHeaders && line.startsWith(SENT_HEADER + ": ")) {
                sentNanos = Long.parseLong(line.substring(SENT_HEADER.length() + 2).trim());
            } else if (inHeaders && line.startsWith(SEQUENCE_HEADER + ": ")) {
                sequence = Integer.parseInt(line.substring(SEQUENCE_HEADER.length() + 2).trim());
            }
        }
        long now = System.nanoTime();
        AtomicLongArray current = latencies;
        if (sentNanos != 0 && sequence >= 0 && sequence < current.length()) {
            current.set(sequence, Math.max(1, now - sentNanos));
        }
        lastReceivedNanos.accumulateAndGet(now, Math::max);
        received.incrementAndGet();
    }

    /** One line without its CRLF; null at end of stream. Lines longer than the limit are cut, not failed. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(80);
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            if (line.length() < MAX_LINE) {
                line.append((char) b);
            }
        }
        return line.length() == 0 ? null : line.toString();
    }

    /** Flushes only when the client has sent nothing more: then it waits for these answers. */
    private void reply(InputStream in, OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (in.available() == 0) {
            waitReplyDelay();
            out.flush();
        }
    }

    private void waitReplyDelay() {
        long deadline = System.nanoTime() + replyDelayNanos;
        for (long left = replyDelayNanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Nothing else to release.
        }
        executor.shutdownNow();
    }
}
