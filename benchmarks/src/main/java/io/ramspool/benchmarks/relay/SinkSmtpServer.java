package io.ramspool.benchmarks.relay;

import java.io.BufferedOutputStream;
import java.io.IOException;
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
 * A fast SMTP sink on loopback: accepts every mail and keeps nothing but counts. Mails are
 * counted per batch ({@link #startBatch(int)}): a mail whose {@value #BATCH_HEADER} header names
 * the current batch is recorded under its {@value #SEQUENCE_HEADER} number with its arrival time
 * (the moment the final dot was read), a second copy of the same number counts as a duplicate,
 * and mail of an earlier batch (a late warm-up mail) is counted apart as stray. One thread per
 * connection; a relay reusing connections shows as few connections for many mails. It offers
 * PIPELINING and, as RFC 2920 asks, sends the answers to a group of pipelined commands together
 * once it has read the whole group, after an optional reply delay that stands for a network round
 * trip. Thread-safe.
 */
public final class SinkSmtpServer implements AutoCloseable {
    public static final String SENT_HEADER = "X-Bench-Sent";
    public static final String SEQUENCE_HEADER = "X-Bench-Seq";
    public static final String BATCH_HEADER = "X-Bench-Batch";

    private final ServerSocket serverSocket;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sink-smtp");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger batchIds = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger stray = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    private final long greetingDelayMillis;
    private final long replyDelayNanos;
    private volatile Batch batch = new Batch(0, 0);

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
     * @param replyDelay wait before each group of answers leaves: zero on loopback, or a network
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

    /**
     * Starts counting a new batch of mails numbered 0 to {@code expected - 1} and zeroes the
     * counters; returns the batch number the client must put in {@value #BATCH_HEADER}.
     */
    public int startBatch(int expected) {
        int id = batchIds.incrementAndGet();
        batch = new Batch(id, expected);
        connections.set(0);
        stray.set(0);
        return id;
    }

    /** Mails of the current batch received, duplicates included. */
    public int getReceived() {
        return batch.received.get();
    }

    /** Distinct mails of the current batch received. */
    public int getDelivered() {
        return batch.delivered.get();
    }

    public int getDuplicates() {
        return batch.received.get() - batch.delivered.get();
    }

    /** Mails of other batches (or without a batch) received since the current batch started. */
    public int getStray() {
        return stray.get();
    }

    /** Every mail received since the sink started, in any batch or none. */
    public int getTotalReceived() {
        return total.get();
    }

    public int getConnections() {
        return connections.get();
    }

    /** {@link System#nanoTime()} of the last mail of the current batch, 0 before the first. */
    public long getLastReceivedNanos() {
        return batch.lastReceived.get();
    }

    /** {@link System#nanoTime()} at which mail {@code sequence} of the batch arrived first, 0 if never. */
    public long getArrivalNanos(int sequence) {
        return batch.arrivals.get(sequence);
    }

    /** Nanoseconds from the client's MAIL command to the arrival of mail {@code sequence}, 0 if not arrived. */
    public long getLatencyNanos(int sequence) {
        long arrival = batch.arrivals.get(sequence);
        return arrival == 0 ? 0 : Math.max(1, arrival - batch.sent.get(sequence));
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
            SmtpInput in = new SmtpInput(socket.getInputStream());
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

    private void converse(SmtpInput in, OutputStream out) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
            switch (command) {
                case "EHLO" -> reply(in, out, "250-sink\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 104857600");
                case "DATA" -> {
                    reply(in, out, "354 go ahead");
                    readMessage(in);
                    reply(in, out, "250 2.0.0 accepted");
                }
                case "QUIT" -> {
                    reply(in, out, "221 2.0.0 bye");
                    return;
                }
                default -> reply(in, out, "250 2.0.0 ok");
            }
        }
    }

    private void readMessage(SmtpInput in) throws IOException {
        MailHeaders headers = new MailHeaders();
        String line = in.readLine();
        while (line != null && !line.isEmpty() && !line.equals(".")) {
            headers.accept(line);
            line = in.readLine();
        }
        if (line != null && line.isEmpty()) {
            in.skipData();
        }
        record(headers, System.nanoTime());
    }

    private void record(MailHeaders headers, long now) {
        total.incrementAndGet();
        Batch current = batch;
        if (headers.batch != current.id || headers.sequence < 0 || headers.sequence >= current.arrivals.length()) {
            stray.incrementAndGet();
            return;
        }
        current.received.incrementAndGet();
        if (current.arrivals.compareAndSet(headers.sequence, 0, now)) {
            current.sent.set(headers.sequence, headers.sentNanos);
            current.delivered.incrementAndGet();
        }
        current.lastReceived.accumulateAndGet(now, Math::max);
    }

    /** Flushes only when the client has sent nothing more: then it waits for these answers. */
    private void reply(SmtpInput in, OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!in.hasBufferedInput()) {
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

    /** The counters of one batch; replaced as a whole when the next batch starts. */
    private static final class Batch {
        private final int id;
        private final AtomicLongArray arrivals;
        private final AtomicLongArray sent;
        private final AtomicInteger received = new AtomicInteger();
        private final AtomicInteger delivered = new AtomicInteger();
        private final AtomicLong lastReceived = new AtomicLong();

        private Batch(int id, int expected) {
            this.id = id;
            this.arrivals = new AtomicLongArray(expected);
            this.sent = new AtomicLongArray(expected);
        }
    }

    /** The benchmark headers of one mail; absent ones stay at values that mark the mail as stray. */
    private static final class MailHeaders {
        private int batch = -1;
        private int sequence = -1;
        private long sentNanos;

        void accept(String line) {
            if (line.startsWith(BATCH_HEADER + ": ")) {
                batch = Integer.parseInt(value(line, BATCH_HEADER));
            } else if (line.startsWith(SEQUENCE_HEADER + ": ")) {
                sequence = Integer.parseInt(value(line, SEQUENCE_HEADER));
            } else if (line.startsWith(SENT_HEADER + ": ")) {
                sentNanos = Long.parseLong(value(line, SENT_HEADER));
            }
        }

        private static String value(String line, String header) {
            return line.substring(header.length() + 2).trim();
        }
    }
}
