package io.ramspool.benchmarks.smtpclient;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.smtp.DefaultLastSmtpContent;
import io.netty.handler.codec.smtp.LastSmtpContent;
import io.netty.handler.codec.smtp.SmtpCommand;
import io.netty.handler.codec.smtp.SmtpRequest;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import io.netty.handler.codec.smtp.SmtpRequests;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import io.netty.handler.timeout.WriteTimeoutHandler;

/**
 * A minimal SMTP client on Netty's SMTP codec, for the benchmark only: one connection, reused.
 * When the server offers PIPELINING, RSET (from the second mail on), MAIL, RCPT and DATA leave in
 * one write and their replies are read together, then the content follows; otherwise each
 * command waits for its reply. SIZE and BODY=8BITMIME are declared when offered, like the mailet
 * does. The caller's thread blocks on each reply, as a mailet delivery thread would; I/O runs on
 * the event loop.
 *
 * <p>Timeouts follow the mailet's defaults: 10 s to connect, 30 s for each reply, 60 s for each
 * write. Not thread-safe.
 *
 * <p>Limitations: no STARTTLS, no HELO fallback, no per-recipient results, and any refusal ends
 * the delivery with an exception; the benchmark counts only accepted mails. The codec neither
 * dot-stuffs content ({@link SmtpDataOutputStream} does) nor, in Netty 4.1.86, rejects line
 * breaks in command parameters, which {@link #requireSingleLine} does.
 */
final class NettySmtpConnection implements SmtpClientConnection {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final long COMMAND_TIMEOUT_MILLIS = 30_000;
    private static final int DATA_TIMEOUT_SECONDS = 60;
    // RFC 5321 caps a reply line at 512 octets; some servers send longer ones anyway.
    private static final int MAX_REPLY_LINE = 2048;
    // The headers JavaMail's SMTPTransport leaves out of the content; same bytes on the wire.
    private static final String[] OMITTED_HEADERS = {"Bcc", "Content-Length"};

    private final Channel channel;
    private final ReplyQueue replies;
    private Set<String> extensions = Set.of();
    private boolean used;

    private NettySmtpConnection(Channel channel, ReplyQueue replies) {
        this.channel = channel;
        this.replies = replies;
    }

    /** Connects on {@code group}, reads the greeting and says EHLO as {@code helloName}. */
    static NettySmtpConnection open(EventLoopGroup group, InetSocketAddress address, String helloName)
        throws IOException {
        ReplyQueue replies = new ReplyQueue();
        // The server speaks first: wait for the greeting from before the connection exists.
        CompletableFuture<SmtpResponse> greeting = replies.expect();
        NettySmtpConnection connection = new NettySmtpConnection(connect(group, address, replies), replies);
        try {
            requireCode("greeting", connection.await(greeting), 220);
            connection.extensions = connection.ehlo(helloName);
            return connection;
        } catch (IOException e) {
            connection.close();
            throw e;
        }
    }

    private static Channel connect(EventLoopGroup group, InetSocketAddress address, ReplyQueue replies)
        throws IOException {
        ChannelFuture connected = new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(new WriteTimeoutHandler(DATA_TIMEOUT_SECONDS),
                        new SmtpResponseDecoder(MAX_REPLY_LINE), new SmtpRequestEncoder(), replies);
                }
            })
            .connect(address)
            .awaitUninterruptibly();
        if (!connected.isSuccess()) {
            throw new IOException("cannot connect to " + address, connected.cause());
        }
        return connected.channel();
    }

    private Set<String> ehlo(String helloName) throws IOException {
        CompletableFuture<SmtpResponse> reply = replies.expect();
        writeAndFlush(List.of(SmtpRequests.ehlo(helloName)));
        SmtpResponse response = requireCode("EHLO", await(reply), 250);
        // The first line names the server; each further line starts with an extension keyword.
        return response.details().stream()
            .skip(1)
            .map(line -> line.toString().split(" ", 2)[0].toUpperCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void deliver(BenchmarkMail mail) throws IOException, MessagingException {
        ByteBuf content = encodeContent(mail);
        try {
            sendEnvelope(mail);
        } catch (IOException | RuntimeException e) {
            content.release();
            throw e;
        }
        CompletableFuture<SmtpResponse> reply = replies.expect();
        writeAndFlush(List.of(new DefaultLastSmtpContent(content)));
        requireCode("end of data", await(reply), 250);
    }

    /** Writes the message in DATA form into a pooled buffer that the encoder releases once sent. */
    private ByteBuf encodeContent(BenchmarkMail mail) throws IOException, MessagingException {
        ByteBuf content = channel.alloc().buffer(mail.size() + mail.size() / 32 + 2);
        try (OutputStream out = new SmtpDataOutputStream(new ByteBufOutputStream(content))) {
            mail.message().writeTo(out, OMITTED_HEADERS);
            return content;
        } catch (IOException | MessagingException | RuntimeException e) {
            content.release();
            throw e;
        }
    }

    private void sendEnvelope(BenchmarkMail mail) throws IOException {
        List<SmtpRequest> requests = new ArrayList<>(4);
        if (used) {
            // The mailet's pool sends RSET before each reuse; pipelined, it costs no round trip.
            requests.add(SmtpRequests.rset());
        }
        used = true;
        requests.add(SmtpRequests.mail(requireSingleLine(mail.sender()), mailParameters(mail)));
        requests.add(SmtpRequests.rcpt(requireSingleLine(mail.recipient())));
        requests.add(SmtpRequests.data());
        if (extensions.contains("PIPELINING")) {
            sendPipelined(requests);
        } else {
            sendOneByOne(requests);
        }
    }

    private void sendPipelined(List<SmtpRequest> requests) throws IOException {
        List<CompletableFuture<SmtpResponse>> pending = new ArrayList<>(requests.size());
        requests.forEach(ignored -> pending.add(replies.expect()));
        writeAndFlush(requests);
        List<SmtpResponse> responses = new ArrayList<>(requests.size());
        for (CompletableFuture<SmtpResponse> reply : pending) {
            responses.add(await(reply));
        }
        Optional<SmtpReplyException> refusal = firstRefusal(requests, responses);
        if (refusal.isPresent()) {
            maybeEndAcceptedData(responses.get(responses.size() - 1));
            throw refusal.get();
        }
    }

    private static Optional<SmtpReplyException> firstRefusal(List<SmtpRequest> requests,
                                                             List<SmtpResponse> responses) {
        for (int i = 0; i < requests.size(); i++) {
            if (!isExpected(requests.get(i), responses.get(i))) {
                return Optional.of(refusal(requests.get(i), responses.get(i)));
            }
        }
        return Optional.empty();
    }

    /**
     * With MAIL or RCPT refused, a server may still accept the pipelined DATA (RFC 2920);
     * then only an empty message ends the transaction, and the server refuses it for lack of
     * recipients.
     */
    private void maybeEndAcceptedData(SmtpResponse dataResponse) throws IOException {
        if (dataResponse.code() != 354) {
            return;
        }
        CompletableFuture<SmtpResponse> reply = replies.expect();
        writeAndFlush(List.of(LastSmtpContent.EMPTY_LAST_CONTENT));
        await(reply);
    }

    private void sendOneByOne(List<SmtpRequest> requests) throws IOException {
        for (SmtpRequest request : requests) {
            CompletableFuture<SmtpResponse> reply = replies.expect();
            writeAndFlush(List.of(request));
            SmtpResponse response = await(reply);
            if (!isExpected(request, response)) {
                throw refusal(request, response);
            }
        }
    }

    private CharSequence[] mailParameters(BenchmarkMail mail) {
        List<CharSequence> parameters = new ArrayList<>(2);
        if (extensions.contains("SIZE")) {
            parameters.add("SIZE=" + mail.size());
        }
        if (extensions.contains("8BITMIME")) {
            parameters.add("BODY=8BITMIME");
        }
        return parameters.toArray(CharSequence[]::new);
    }

    /** One task on the event loop writes every message and flushes once: one packet, one wake-up. */
    private void writeAndFlush(List<?> messages) {
        channel.eventLoop().execute(() -> {
            messages.forEach(message -> channel.write(message)
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE));
            channel.flush();
        });
    }

    private SmtpResponse await(CompletableFuture<SmtpResponse> reply) throws IOException {
        try {
            return reply.get(COMMAND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw new SocketTimeoutException("no SMTP reply within " + COMMAND_TIMEOUT_MILLIS + " ms from "
                + channel.remoteAddress());
        } catch (ExecutionException e) {
            throw new IOException("SMTP connection to " + channel.remoteAddress() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an SMTP reply");
        }
    }

    private static boolean isExpected(SmtpRequest request, SmtpResponse response) {
        if (SmtpCommand.DATA.equals(request.command())) {
            return response.code() == 354;
        }
        if (SmtpCommand.RCPT.equals(request.command())) {
            // 251: not local, will be forwarded; the recipient is accepted all the same.
            return response.code() == 250 || response.code() == 251;
        }
        return response.code() == 250;
    }

    private static SmtpReplyException refusal(SmtpRequest request, SmtpResponse response) {
        String expected = SmtpCommand.DATA.equals(request.command()) ? "354" : "250";
        return new SmtpReplyException(request.command().name().toString(), expected, response);
    }

    private static SmtpResponse requireCode(String step, SmtpResponse response, int expected)
        throws SmtpReplyException {
        if (response.code() != expected) {
            throw new SmtpReplyException(step, String.valueOf(expected), response);
        }
        return response;
    }

    private static String requireSingleLine(String address) {
        if (address.indexOf('\r') >= 0 || address.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("envelope address contains a line break");
        }
        return address;
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            writeAndFlush(List.of(SmtpRequests.quit()));
            channel.eventLoop().execute(() -> channel.close());
        }
        channel.closeFuture().awaitUninterruptibly(CONNECT_TIMEOUT_MILLIS);
    }
}
