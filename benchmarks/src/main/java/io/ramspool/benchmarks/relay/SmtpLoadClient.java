package io.ramspool.benchmarks.relay;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntUnaryOperator;

/**
 * Sends numbered mails to a server over a fixed number of persistent SMTP sessions, one thread
 * per session, one mail after the other on each (no pipelining). Each mail carries its batch and
 * sequence number and the {@link System#nanoTime()} of its MAIL command (see
 * {@link SinkSmtpServer}); its size comes from a function of its sequence number.
 *
 * <p>A mail the server refuses (any reply but the expected one) is counted and the session
 * goes on after RSET; a session whose connection fails stops, and its remaining mails count as
 * refused. Thread-safe: {@link #send} may be called again once it returned.
 */
public final class SmtpLoadClient {
    public static final String SENDER = "load@client.test";
    public static final String RECIPIENT = "rcpt@bench.example";
    private static final int TIMEOUT_MILLIS = 120_000;
    private static final String BODY_LINE = "x".repeat(76) + "\r\n";

    private final int port;
    private final IntUnaryOperator sizeOfSequence;
    private final Map<Integer, byte[]> bodies = new ConcurrentHashMap<>();

    /** @param sizeOfSequence the size in bytes (headers included) of the mail with a given sequence number */
    public SmtpLoadClient(int port, IntUnaryOperator sizeOfSequence) {
        this.port = port;
        this.sizeOfSequence = sizeOfSequence;
    }

    public SmtpLoadClient(int port, int messageSize) {
        this(port, sequence -> messageSize);
    }

    /**
     * Sends mails numbered {@code 0..count-1} of {@code batch} over {@code sessions} sessions;
     * returns when every session has finished.
     */
    public SendReport send(int batch, int count, int sessions) {
        long[] accepted = new long[count];
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        ExecutorService executor = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int session = 0; session < sessions; session++) {
                int first = session;
                running.add(executor.submit(() -> runSession(new Range(batch, first, sessions, count), accepted,
                    errors)));
            }
            for (Future<?> future : running) {
                future.get();
            }
            return new SendReport(accepted, errors);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("an SMTP session to 127.0.0.1:" + port + " failed", e.getCause());
        } finally {
            executor.shutdownNow();
        }
    }

    /** Sends mails {@code first}, {@code first + step}, ... below {@code count} on one connection. */
    private void runSession(Range range, long[] accepted, List<String> errors) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            Session session = new Session(socket);
            if (!session.expect("220") || !session.command("EHLO load.client.test", "250")) {
                throw new IOException("server refused the greeting or EHLO");
            }
            for (int sequence = range.first(); sequence < range.count(); sequence += range.step()) {
                if (sendOne(session, range.batch(), sequence)) {
                    accepted[sequence] = System.nanoTime();
                }
            }
            session.command("QUIT", "221");
        } catch (IOException e) {
            errors.add("session " + range.first() + " to 127.0.0.1:" + port + " broke off: " + e.getMessage());
        }
    }

    /** True when the server accepted the mail (250 to the end of DATA). */
    private boolean sendOne(Session session, int batch, int sequence) throws IOException {
        long sentNanos = System.nanoTime();
        boolean ready = session.command("MAIL FROM:<" + SENDER + ">", "250")
            && session.command("RCPT TO:<" + RECIPIENT + ">", "250")
            && session.command("DATA", "354");
        if (!ready) {
            session.reset();
            return false;
        }
        session.write(header(batch, sequence, sentNanos));
        session.write(body(sizeOfSequence.applyAsInt(sequence)));
        return session.command(".", "250");
    }

    private static byte[] header(int batch, int sequence, long sentNanos) {
        return ("From: " + SENDER + "\r\n"
            + "To: " + RECIPIENT + "\r\n"
            + "Subject: load benchmark " + sequence + "\r\n"
            + "Message-ID: <bench-" + batch + "-" + sequence + "-" + sentNanos + "@client.test>\r\n"
            + SinkSmtpServer.BATCH_HEADER + ": " + batch + "\r\n"
            + SinkSmtpServer.SEQUENCE_HEADER + ": " + sequence + "\r\n"
            + SinkSmtpServer.SENT_HEADER + ": " + sentNanos + "\r\n"
            + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A body that makes the whole mail about {@code size} bytes, in lines of 78 bytes; cached per size. */
    private byte[] body(int size) {
        return bodies.computeIfAbsent(size, SmtpLoadClient::bodyOf);
    }

    private static byte[] bodyOf(int size) {
        int headerEstimate = header(0, 0, 0).length + 40;
        StringBuilder body = new StringBuilder(Math.max(0, size - headerEstimate) + BODY_LINE.length());
        while (body.length() + headerEstimate < size) {
            body.append(BODY_LINE);
        }
        return body.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The mails one session sends: {@code first}, {@code first + step}, ... below {@code count}. */
    private record Range(int batch, int first, int step, int count) {
    }

    /** One SMTP connection: commands, replies and raw writes. */
    private static final class Session {
        private final BufferedReader in;
        private final OutputStream out;

        Session(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
        }

        /** Sends {@code line}; true when the reply has {@code expectedCode}. */
        boolean command(String line, String expectedCode) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return expect(expectedCode);
        }

        void reset() throws IOException {
            if (!command("RSET", "250")) {
                throw new IOException("server refused RSET");
            }
        }

        /**
         * Reads one (possibly multi-line) reply; true when it has {@code expectedCode}.
         *
         * @throws IOException when the connection ends or the server closes the session (421)
         */
        boolean expect(String expectedCode) throws IOException {
            String line = in.readLine();
            while (line != null && line.length() > 3 && line.charAt(3) == '-') {
                line = in.readLine();
            }
            if (line == null || line.startsWith("421")) {
                throw new IOException("server ended the session, last reply: " + line);
            }
            return line.startsWith(expectedCode);
        }
    }
}
