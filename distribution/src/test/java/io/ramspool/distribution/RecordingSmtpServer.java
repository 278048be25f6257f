package io.ramspool.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.common.collect.ImmutableList;

/**
 * An SMTP server on loopback that accepts every mail and records its envelope and data, for
 * what GreenMail 1.6 cannot play: it answers 503 to RCPT after {@code MAIL FROM:<>}, so it
 * cannot stand for a gateway that must take a null-sender mail.
 */
final class RecordingSmtpServer implements AutoCloseable {
    private static final Pattern MESSAGE_ID = Pattern.compile("(?mi)^Message-ID:\\s*(<[^>]+>)");
    private static final Pattern PATH = Pattern.compile("^(?:MAIL FROM|RCPT TO):\\s*<([^>]*)>.*",
        Pattern.CASE_INSENSITIVE);

    /** One accepted mail: the reverse-path ("" for the null sender), the recipients and the data. */
    record Transaction(String sender, ImmutableList<String> recipients, String data) {
    }

    private final ServerSocket serverSocket;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "recording-smtp");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Transaction> accepted = new CopyOnWriteArrayList<>();

    private RecordingSmtpServer(int port) throws IOException {
        this.serverSocket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        executor.execute(this::acceptLoop);
    }

    static RecordingSmtpServer start(int port) {
        try {
            return new RecordingSmtpServer(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    ImmutableList<Transaction> getAccepted() {
        return ImmutableList.copyOf(accepted);
    }

    /** The Message-ID of every accepted mail, in arrival order; a list, so that a duplicate shows. */
    ImmutableList<String> getAcceptedMessageIds() {
        return accepted.stream()
            .map(transaction -> {
                Matcher messageId = MESSAGE_ID.matcher(transaction.data());
                return messageId.find() ? messageId.group(1) : "<no Message-ID>";
            })
            .collect(ImmutableList.toImmutableList());
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                executor.execute(() -> serve(socket));
            } catch (IOException ignored) {
                // The server socket was closed by close(); the loop ends.
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 recorder ready");
            converse(in, out);
        } catch (IOException ignored) {
            // The client went away; whatever it completed is recorded already.
        }
    }

    private void converse(BufferedReader in, OutputStream out) throws IOException {
        String sender = null;
        List<String> recipients = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO")) {
                reply(out, "250-recorder\r\n250 8BITMIME");
            } else if (command.startsWith("MAIL FROM:")) {
                sender = path(line);
                recipients.clear();
                reply(out, "250 2.1.0 sender ok");
            } else if (command.startsWith("RCPT TO:") && sender != null) {
                recipients.add(path(line));
                reply(out, "250 2.1.5 recipient ok");
            } else if (command.equals("DATA") && !recipients.isEmpty()) {
                reply(out, "354 go ahead");
                accepted.add(new Transaction(sender, ImmutableList.copyOf(recipients), readData(in)));
                sender = null;
                recipients.clear();
                reply(out, "250 2.0.0 accepted");
            } else if (command.equals("QUIT")) {
                reply(out, "221 2.0.0 bye");
                return;
            } else if (command.equals("NOOP")) {
                reply(out, "250 2.0.0 ok");
            } else if (command.equals("RSET") || command.startsWith("HELO")) {
                sender = null;
                recipients.clear();
                reply(out, "250 2.0.0 ok");
            } else {
                reply(out, "503 5.5.1 bad sequence");
            }
        }
    }

    private static String readData(BufferedReader in) throws IOException {
        StringBuilder data = new StringBuilder();
        for (String line = in.readLine(); line != null && !line.equals("."); line = in.readLine()) {
            data.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        return data.toString();
    }

    private static String path(String line) {
        Matcher matcher = PATH.matcher(line);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("no <path> in command: " + line);
        }
        return matcher.group(1);
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Nothing to release beyond the socket itself.
        }
        executor.shutdownNow();
    }
}
