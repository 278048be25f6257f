package io.ramspool.benchmarks.relay;

import java.io.BufferedReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends numbered mails to the relay over a fixed number of persistent SMTP sessions, one thread
 * per session, one mail after the other on each (no pipelining). Each mail carries the sequence
 * number and the {@link System#nanoTime()} of its MAIL command, which the sink turns into a
 * latency.
 */
final class SmtpLoadClient {
    private static final int TIMEOUT_MILLIS = 120_000;
    static final String SENDER = "load@client.test";
    static final String RECIPIENT = "rcpt@bench.example";

    private final int port;
    private final int messageSize;

    SmtpLoadClient(int port, int messageSize) {
        this.port = port;
        this.messageSize = messageSize;
    }

    /**
     * Sends mails numbered {@code 0..count-1} over {@code sessions} sessions; returns when the relay
     * has answered 250 to every one of them.
     */
    void send(int count, int sessions) {
        ExecutorService executor = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int session = 0; session < sessions; session++) {
                int first = session;
                running.add(executor.submit(() -> runSession(first, sessions, count)));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("an SMTP session to the relay failed", e.getCause());
        } finally {
            executor.shutdownNow();
        }
    }

    /** Sends mails {@code first}, {@code first + step}, ... below {@code count} on one connection. */
    private void runSession(int first, int step, int count) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII));
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            expect(in, "220");
            command(in, out, "EHLO load.client.test", "250");
            for (int sequence = first; sequence < count; sequence += step) {
                sendOne(in, out, sequence);
            }
            command(in, out, "QUIT", "221");
        } catch (IOException e) {
            throw new UncheckedIOException("SMTP session to 127.0.0.1:" + port + " failed", e);
        }
    }

    private void sendOne(BufferedReader in, OutputStream out, int sequence) throws IOException {
        long sentNanos = System.nanoTime();
        command(in, out, "MAIL FROM:<" + SENDER + ">", "250");
        command(in, out, "RCPT TO:<" + RECIPIENT + ">", "250");
        command(in, out, "DATA", "354");
        out.write(message(sequence, sentNanos));
        command(in, out, ".", "250");
    }

    private byte[] message(int sequence, long sentNanos) {
        StringBuilder message = new StringBuilder(messageSize + 200)
            .append("From: ").append(SENDER).append("\r\n")
            .append("To: ").append(RECIPIENT).append("\r\n")
            .append("Subject: relay benchmark ").append(sequence).append("\r\n")
            .append("Message-ID: <bench-").append(sequence).append('-').append(sentNanos).append("@client.test>\r\n")
            .append(SinkSmtpServer.SEQUENCE_HEADER).append(": ").append(sequence).append("\r\n")
            .append(SinkSmtpServer.SENT_HEADER).append(": ").append(sentNanos).append("\r\n")
            .append("\r\n");
        while (message.length() < messageSize) {
            int lineLength = Math.min(76, messageSize - message.length() - 2);
            message.append("x".repeat(Math.max(1, lineLength))).append("\r\n");
        }
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void command(BufferedReader in, OutputStream out, String line, String expectedCode)
        throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, expectedCode);
    }

    private static void expect(BufferedReader in, String expectedCode) throws IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        if (line == null || !line.startsWith(expectedCode)) {
            throw new IOException("expected " + expectedCode + " from the relay, got: " + line);
        }
    }
}
