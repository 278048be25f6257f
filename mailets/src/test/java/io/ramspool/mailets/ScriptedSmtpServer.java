package io.ramspool.mailets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.common.collect.ImmutableList;

/**
 * A small SMTP peer for tests, bound to 127.0.0.1 on a free port: it answers 250 to everything unless scripted to
 * answer another reply at a stage, to a given recipient, or to stall (never answer) at a stage. It records what it
 * accepted, how many connections it had and how many RSET commands it saw.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    /** The points of an SMTP session where a reply can be scripted. */
    enum Stage {
        CONNECT,
        EHLO,
        MAIL,
        RCPT,
        DATA,
        DOT
    }

    /** One accepted message: envelope and data. */
    static final class Transaction {
        private final String sender;
        private final ImmutableList<String> recipients;
        private final String data;

        Transaction(String sender, List<String> recipients, String data) {
            this.sender = sender;
            this.recipients = ImmutableList.copyOf(recipients);
            this.data = data;
        }

        String getSender() {
            return sender;
        }

        ImmutableList<String> getRecipients() {
            return recipients;
        }

        String getData() {
            return data;
        }
    }

    private final ServerSocket serverSocket;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "scripted-smtp");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Stage, String> replies = new ConcurrentHashMap<>();
    private final Map<String, String> recipientReplies = new ConcurrentHashMap<>();
    private final List<Transaction> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger maxOpenConnections = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private volatile Optional<Stage> stallAt = Optional.empty();

    private ScriptedSmtpServer() throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        executor.execute(this::acceptLoop);
    }

    static ScriptedSmtpServer start() throws IOException {
        return new ScriptedSmtpServer();
    }

    /** A loopback port nothing listens on: connecting to it is refused. */
    static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    ScriptedSmtpServer replyAt(Stage stage, String reply) {
        replies.put(stage, reply);
        return this;
    }

    ScriptedSmtpServer replyToRecipient(String recipient, String reply) {
        recipientReplies.put(recipient, reply);
        return this;
    }

    ScriptedSmtpServer stallAt(Stage stage) {
        stallAt = Optional.of(stage);
        return this;
    }

    /** Forgets the scripted replies and stall: from now on every command is accepted. */
    ScriptedSmtpServer clearReplies() {
        replies.clear();
        recipientReplies.clear();
        stallAt = Optional.empty();
        return this;
    }

    int getPort() {
        return serverSocket.getLocalPort();
    }

    String getAddress() {
        return "127.0.0.1:" + getPort();
    }

    ImmutableList<Transaction> getAccepted() {
        return ImmutableList.copyOf(accepted);
    }

    ImmutableList<String> getAcceptedRecipients() {
        return accepted.stream()
            .flatMap(transaction -> transaction.getRecipients().stream())
            .collect(ImmutableList.toImmutableList());
    }

    int getConnectionCount() {
        return connections.get();
    }

    int getMaxOpenConnections() {
        return maxOpenConnections.get();
    }

    int getResetCount() {
        return resets.get();
    }

    /**
     * Hangs up every open session, without a reply, as a server does with sessions idle past its timeout, and
     * waits until they are gone.
     */
    void hangUpOpenConnections() throws IOException, InterruptedException {
        for (Socket socket : openSockets) {
            socket.close();
        }
        while (openConnections.get() > 0) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        executor.shutdownNow();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                openSockets.add(socket);
                connections.incrementAndGet();
                maxOpenConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
                executor.execute(() -> serve(socket));
            } catch (IOException ignored) {
                // The server socket was closed: the test is over.
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            new Session(socket).run();
        } catch (IOException | InterruptedException ignored) {
            // The client hung up or the test ended; both are normal for a scripted peer.
        } finally {
            openSockets.remove(socket);
            openConnections.decrementAndGet();
        }
    }

    /** One SMTP conversation. */
    private final class Session {
        private final BufferedReader reader;
        private final OutputStream output;
        private String sender;
        private final List<String> recipients = new ArrayList<>();

        Session(Socket socket) throws IOException {
            this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.output = socket.getOutputStream();
        }

        void run() throws IOException, InterruptedException {
            if (!answer(Stage.CONNECT, "220 scripted ESMTP")) {
                return;
            }
            String line = reader.readLine();
            while (line != null) {
                if (!handle(line)) {
                    return;
                }
                line = reader.readLine();
            }
        }

        private boolean handle(String line) throws IOException, InterruptedException {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO":
                    return answer(Stage.EHLO, "250-scripted\r\n250-8BITMIME\r\n250 SIZE 10000000");
                case "HELO":
                    return answer(Stage.EHLO, "250 scripted");
                case "MAIL":
                    recipients.clear();
                    sender = between(line);
                    return answer(Stage.MAIL, "250 2.1.0 ok");
                case "RCPT":
                    return rcpt(between(line));
                case "DATA":
                    return data();
                case "RSET":
                    resets.incrementAndGet();
                    recipients.clear();
                    return write("250 2.0.0 ok");
                case "NOOP":
                    return write("250 2.0.0 ok");
                case "QUIT":
                    write("221 2.0.0 bye");
                    return false;
                default:
                    return write("500 5.5.1 unknown command");
            }
        }

        private boolean rcpt(String recipient) throws IOException, InterruptedException {
            if (stallAt.equals(Optional.of(Stage.RCPT))) {
                return stall();
            }
            String reply = Optional.ofNullable(recipientReplies.get(recipient))
                .orElseGet(() -> replies.getOrDefault(Stage.RCPT, "250 2.1.5 ok"));
            if (reply.startsWith("2")) {
                recipients.add(recipient);
            }
            return write(reply);
        }

        private boolean data() throws IOException, InterruptedException {
            String dataReply = replies.getOrDefault(Stage.DATA, "354 go ahead");
            if (!answer(Stage.DATA, "354 go ahead")) {
                return false;
            }
            if (!dataReply.startsWith("354")) {
                return true;
            }
            StringBuilder data = new StringBuilder();
            String line = reader.readLine();
            while (line != null && !line.equals(".")) {
                data.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
                line = reader.readLine();
            }
            String dotReply = replies.getOrDefault(Stage.DOT, "250 2.0.0 queued");
            if (dotReply.startsWith("2") && !stallAt.equals(Optional.of(Stage.DOT))) {
                accepted.add(new Transaction(sender, recipients, data.toString()));
            }
            return answer(Stage.DOT, dotReply);
        }

        private boolean answer(Stage stage, String defaultReply) throws IOException, InterruptedException {
            if (stallAt.equals(Optional.of(stage))) {
                return stall();
            }
            return write(replies.getOrDefault(stage, defaultReply));
        }

        private boolean stall() throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
            return false;
        }

        private boolean write(String reply) throws IOException {
            output.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            output.flush();
            return !reply.startsWith("421");
        }

        private String between(String line) {
            int start = line.indexOf('<');
            int end = line.indexOf('>', start + 1);
            return start >= 0 && end > start ? line.substring(start + 1, end) : "";
        }
    }
}
