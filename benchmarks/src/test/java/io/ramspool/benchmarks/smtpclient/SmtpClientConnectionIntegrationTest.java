package io.ramspool.benchmarks.smtpclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.ramspool.benchmarks.relay.SinkSmtpServer;

/** Both benchmarked clients must deliver what they are given, over one reused connection. */
class SmtpClientConnectionIntegrationTest {
    private static final String HELLO_NAME = "test.ramspool.test";
    private static EventLoopGroup eventLoops;

    @RegisterExtension
    final GreenMailExtension greenMail = new GreenMailExtension(
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private SinkSmtpServer sink;

    enum Client {
        JAVAMAIL, NETTY;

        SmtpClientConnection open(int port) throws IOException, MessagingException {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            if (this == JAVAMAIL) {
                return JavaMailSmtpConnection.open(address, HELLO_NAME, false);
            }
            return NettySmtpConnection.open(eventLoops, address, HELLO_NAME);
        }
    }

    @BeforeAll
    static void startEventLoops() {
        eventLoops = new NioEventLoopGroup(1);
    }

    @AfterAll
    static void stopEventLoops() {
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void stopSink() {
        if (sink != null) {
            sink.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void deliverShouldSendEveryMailOverOneConnectionWhenTheSinkPipelines(Client client) throws Exception {
        sink = SinkSmtpServer.start(0);
        BenchmarkMail mail = BenchmarkMail.of(BenchmarkMail.contentOfSize(2048));

        try (SmtpClientConnection testee = client.open(sink.getPort())) {
            for (int i = 0; i < 25; i++) {
                testee.deliver(mail);
            }
        }

        assertThat(sink.getTotalReceived()).isEqualTo(25);
        assertThat(sink.getConnections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void deliverShouldHandOverTheBodyUnchangedWhenLinesStartWithADot(Client client) throws Exception {
        byte[] content = BenchmarkMail.contentOfSize(4096);

        try (SmtpClientConnection testee = client.open(greenMail.getSmtp().getPort())) {
            testee.deliver(BenchmarkMail.of(content));
            testee.deliver(BenchmarkMail.of(content));
        }

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(2);
        // GreenMail stores the body without the CRLF that precedes the final dot.
        assertThat(rawBody(received[1])).isEqualTo(bodyOf(content).stripTrailing()).contains("\r\n.");
        assertThat(received[1].getSubject()).isEqualTo("SMTP client benchmark, 4096 bytes");
    }

    private static String bodyOf(byte[] content) {
        String text = new String(content, StandardCharsets.US_ASCII);
        return text.substring(text.indexOf("\r\n\r\n") + 4);
    }

    private static String rawBody(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (InputStream in = message.getRawInputStream()) {
            in.transferTo(body);
        }
        return body.toString(StandardCharsets.US_ASCII);
    }
}
