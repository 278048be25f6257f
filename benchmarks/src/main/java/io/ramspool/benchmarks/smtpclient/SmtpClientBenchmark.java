package io.ramspool.benchmarks.smtpclient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import javax.mail.MessagingException;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ramspool.benchmarks.relay.SinkSmtpServer;

/**
 * Mails per second delivered over persistent SMTP connections to the in-JVM sink on loopback,
 * by JavaMail's {@code SMTPTransport} set up as the one-shot delivery mailet sets it up
 * ({@code javamail}, see {@link JavaMailSmtpConnection}) and by a minimal client on Netty's SMTP
 * codec that pipelines MAIL, RCPT and DATA ({@code netty}, see {@link NettySmtpConnection}).
 *
 * <p>Every JMH thread owns one connection, opened before the warm-up and reused for every mail:
 * {@code oneConnection} runs one, {@code fourConnections} four at once, and the score is the sum
 * over threads. Each operation delivers one mail of about {@code messageBytes} bytes to one
 * recipient and returns after the sink's 250. At the end of a run the sink's count of mails and
 * connections must match what the clients counted, or the run fails.
 *
 * <p>{@code replyDelayMicros} (default 0) makes the sink wait that long before each batch of
 * answers, like a server one network round trip away; {@code -p replyDelayMicros=1000} shows what
 * the round trips that pipelining saves are worth.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SmtpClientBenchmark {
    private static final String HELLO_NAME = "bench.ramspool.test";

    @Benchmark
    @Threads(1)
    public void oneConnection(ClientConnection connection) throws IOException, MessagingException {
        connection.deliverOne();
    }

    @Benchmark
    @Threads(4)
    public void fourConnections(ClientConnection connection) throws IOException, MessagingException {
        connection.deliverOne();
    }

    /**
     * The sink, the message content and Netty's event loops: one of each per run. The last
     * connection to close stops them: JMH may tear a shared state down while other threads still
     * close their connections.
     */
    @State(Scope.Benchmark)
    public static class Sink {
        @Param({"javamail", "javamail-nodelay", "netty"})
        public String client;

        @Param({"2048", "102400"})
        public int messageBytes;

        @Param({"0"})
        public long replyDelayMicros;

        // Counted per mail: JMH may tear this state down before other threads tear down theirs.
        private final LongAdder delivered = new LongAdder();
        private final AtomicInteger opened = new AtomicInteger();
        private final AtomicInteger open = new AtomicInteger();
        private SinkSmtpServer server;
        private EventLoopGroup eventLoops;
        private byte[] content;

        @Setup(Level.Trial)
        public void start() {
            server = SinkSmtpServer.start(0, Duration.ofNanos(replyDelayMicros * 1000));
            content = BenchmarkMail.contentOfSize(messageBytes);
            // As many I/O threads as cores: four connections share them like delivery threads would.
            eventLoops = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("smtp-client-netty", true));
        }

        void connectionClosed() {
            if (open.decrementAndGet() > 0) {
                return;
            }
            try {
                requireSinkAgrees();
            } finally {
                eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
                server.close();
            }
        }

        private void requireSinkAgrees() {
            if (server.getTotalReceived() != delivered.sum() || server.getConnections() != opened.get()) {
                throw new IllegalStateException("sink received " + server.getTotalReceived() + " mails over "
                    + server.getConnections() + " connections, clients counted " + delivered.sum()
                    + " mails over " + opened.get());
            }
        }

        SmtpClientConnection open() throws IOException, MessagingException {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.getPort());
            opened.incrementAndGet();
            open.incrementAndGet();
            return switch (client) {
                case "javamail" -> JavaMailSmtpConnection.open(address, HELLO_NAME, false);
                case "javamail-nodelay" -> JavaMailSmtpConnection.open(address, HELLO_NAME, true);
                case "netty" -> NettySmtpConnection.open(eventLoops, address, HELLO_NAME);
                default -> throw new IllegalArgumentException("unknown client " + client);
            };
        }
    }

    /** One connection per JMH thread, with its own copy of the mail. */
    @State(Scope.Thread)
    public static class ClientConnection {
        private Sink sink;
        private SmtpClientConnection testee;
        private BenchmarkMail mail;
        @Setup(Level.Trial)
        public void open(Sink sink) throws IOException, MessagingException {
            this.sink = sink;
            this.mail = BenchmarkMail.of(sink.content);
            this.testee = sink.open();
        }

        void deliverOne() throws IOException, MessagingException {
            testee.deliver(mail);
            sink.delivered.increment();
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                testee.close();
            } finally {
                sink.connectionClosed();
            }
        }
    }
}
