package io.ramspool.distribution.faults;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.common.collect.ImmutableList;

import io.ramspool.distribution.RelayWorkingDirectory;

/**
 * An SMTP peer on loopback that stands for an MX host, a fallback gateway or a sender's server in
 * the fault suite. Its replies to RCPT and to the final dot follow a {@link ReplyPolicy}; every
 * transaction it answered 250 is recorded with its envelope and data. It can go down (its live
 * connections are cut too, so a relay's pooled connection fails like a real outage) and come back
 * on the same port, keeping what it recorded.
 */
public final class FaultSink implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("^(?:MAIL FROM|RCPT TO):\\s*<([^>]*)>.*",
        Pattern.CASE_INSENSITIVE);

    /** The replies of the sink; each method returns a full reply line such as "250 ok". */
    public interface ReplyPolicy {
        String rcpt(String recipient);

        String dot();

        static ReplyPolicy acceptAll() {
            return new ReplyPolicy() {
                @Override
                public String rcpt(String recipient) {
                    return "250 2.1.5 ok";
                }

                @Override
                public String dot() {
                    return "250 2.0.0 accepted";
                }
            };
        }

        /**
         * Random 4xx and 5xx replies, drawn from {@code seed}: RCPT gets 451 with probability
         * {@code temporary}, 550 with {@code permanent}; the final dot 451 and 554 with a fifth of each.
         */
        static ReplyPolicy random(long seed, double temporary, double permanent) {
            SplittableRandom random = new SplittableRandom(seed);
            return new ReplyPolicy() {
                @Override
                public synchronized String rcpt(String recipient) {
                    return draw(random.nextDouble(), temporary, permanent, "451 4.3.0 try later",
                        "550 5.1.1 no such user", "250 2.1.5 ok");
                }

                @Override
                public synchronized String dot() {
                    return draw(random.nextDouble(), temporary / 5, permanent / 5, "451 4.3.0 queue trouble",
                        "554 5.6.0 content refused", "250 2.0.0 accepted");
                }
            };
        }

        private static String draw(double value, double temporary, double permanent, String temporaryReply,
                                   String permanentReply, String okReply) {
            if (value < temporary) {
                return temporaryReply;
            }
            if (value < temporary + permanent) {
                return permanentReply;
            }
            return okReply;
        }
    }

    /** One transaction the sink accepted: reverse-path, the recipients it took, and the data. */
    public record Transaction(String sender, ImmutableList<String> recipients, String data) {
    }

    private final String name;
    private final int port;
    private final List<Transaction> accepted = new CopyOnWriteArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger replies4xx = new AtomicInteger();
    private final AtomicInteger replies5xx = new AtomicInteger();
    private volatile ReplyPolicy policy;
    private volatile Duration dotDelay = Duration.ZERO;
    private ServerSocket serverSocket;
    private ExecutorService executor;

    private FaultSink(String name, int port, ReplyPolicy policy) {
        this.name = name;
        this.port = port;
        this.policy = policy;
    }

    /** A sink on a free port below the ephemeral range; it does not listen until {@link #start()}. */
    public static FaultSink create(String name, ReplyPolicy policy) {
        return new FaultSink(name, RelayWorkingDirectory.freeGatewayPort(), policy);
    }

    public String getName() {
        return name;
    }

    public int getPort() {
        return port;
    }

    public FaultSink withPolicy(ReplyPolicy newPolicy) {
        this.policy = newPolicy;
        return this;
    }

    /** Waits this long before answering the final dot: a slow peer lets a backlog build up. */
    public FaultSink withDotDelay(Duration delay) {
        this.dotDelay = delay;
        return this;
    }

    public synchronized FaultSink start() {
        if (serverSocket != null) {
            return this;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
            serverSocket = socket;
        } catch (IOException e) {
            throw new UncheckedIOException("sink " + name + " cannot listen on 127.0.0.1:" + port, e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fault-sink-" + name);
            thread.setDaemon(true);
            return thread;
        });
        ServerSocket listening = serverSocket;
        executor.execute(() -> acceptLoop(listening));
        return this;
    }

    /** Stops listening and cuts every open connection: the peer is down. */
    public synchronized void stop() {
        if (serverSocket == null) {
            return;
        }
        closeQuietly(serverSocket);
        connections.forEach(FaultSink::closeQuietly);
        connections.clear();
        executor.shutdownNow();
        serverSocket = null;
    }

    public synchronized boolean isUp() {
        return serverSocket != null;
    }

    public ImmutableList<Transaction> getAccepted() {
        return ImmutableList.copyOf(accepted);
    }

    /** How many 4xx and 5xx replies the sink gave, at RCPT and after the final dot. */
    public int getTemporaryReplies() {
        return replies4xx.get();
    }

    public int getPermanentReplies() {
        return replies5xx.get();
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket socket = listening.accept();
                connections.add(socket);
                executor.execute(() -> serve(socket));
            } catch (IOException | RejectedExecutionException ignored) {
                // The sink was stopped; the loop ends with its socket.
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 " + name + " ready");
            converse(in, out);
        } catch (IOException ignored) {
            // The peer went away or the sink was stopped; completed transactions are recorded.
        } finally {
            connections.remove(socket);
        }
    }

    private void converse(BufferedReader in, OutputStream out) throws IOException {
        Envelope envelope = new Envelope();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO")) {
                reply(out, "250-" + name + "\r\n250-8BITMIME\r\n250 SIZE 104857600");
            } else if (command.startsWith("MAIL FROM:")) {
                envelope = new Envelope();
                envelope.sender = path(line);
                reply(out, "250 2.1.0 sender ok");
            } else if (command.startsWith("RCPT TO:") && envelope.sender != null) {
                rcpt(out, envelope, path(line));
            } else if (command.equals("DATA") && !envelope.recipients.isEmpty()) {
                data(in, out, envelope);
                envelope = new Envelope();
            } else if (command.equals("QUIT")) {
                reply(out, "221 2.0.0 bye");
                return;
            } else if (command.equals("NOOP")) {
                reply(out, "250 2.0.0 ok");
            } else if (command.equals("RSET") || command.startsWith("HELO")) {
                envelope = new Envelope();
                reply(out, "250 2.0.0 ok");
            } else {
                reply(out, "503 5.5.1 bad sequence");
            }
        }
    }

    private void rcpt(OutputStream out, Envelope envelope, String recipient) throws IOException {
        String answer = policy.rcpt(recipient);
        if (answer.startsWith("250")) {
            envelope.recipients.add(recipient);
        }
        reply(out, answer);
    }

    private void data(BufferedReader in, OutputStream out, Envelope envelope) throws IOException {
        reply(out, "354 go ahead");
        String data = readData(in);
        sleep(dotDelay);
        String answer = policy.dot();
        if (answer.startsWith("250")) {
            accepted.add(new Transaction(envelope.sender, ImmutableList.copyOf(envelope.recipients), data));
        }
        reply(out, answer);
    }

    private static String readData(BufferedReader in) throws IOException {
        StringBuilder data = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals(".")) {
                return data.toString();
            }
            data.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        throw new SocketException("connection closed inside DATA");
    }

    private static String path(String line) {
        Matcher matcher = PATH.matcher(line);
        return matcher.matches() ? matcher.group(1) : line;
    }

    private void reply(OutputStream out, String reply) throws IOException {
        if (reply.startsWith("4")) {
            replies4xx.incrementAndGet();
        } else if (reply.startsWith("5") && !reply.startsWith("503")) {
            replies5xx.incrementAndGet();
        }
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void sleep(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Going down is the point; a socket that fails to close is down as well.
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The envelope of the transaction in progress on one connection. */
    private static final class Envelope {
        private String sender;
        private final List<String> recipients = new ArrayList<>();
    }
}
