package io.ramspool.benchmarks.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One ramspool relay process for one benchmark round: the assembled archive's {@code lib/} and
 * its {@code profiles/edge}, copied into a working directory of its own and edited for loopback
 * ports, a fresh spool under /dev/shm, JMX off, and the delivery mailet of the round. Every edit
 * checks that the text it replaces exists, so a profile change breaks the benchmark loudly.
 */
public final class RelayUnderTest implements AutoCloseable {
    private static final String MAIN_CLASS = "io.ramspool.distribution.RamspoolRelayMain";
    private static final String STARTED_LINE = "ramspool relay started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** The whole one-shot mailet element of the edge profile; {@code (?s)} lets {@code .} cross lines. */
    public static final String ONE_SHOT_MAILET =
        "(?s)<mailet match=\"relay-allowed\" class=\"io\\.ramspool\\.mailets\\.OneShotRemoteDelivery\">.*?</mailet>";

    /** Which mailet delivers remote mail, both to the same sink. */
    public enum DeliveryMode {
        ONE_SHOT("one-shot"),
        STOCK("stock");

        private final String label;

        DeliveryMode(String label) {
            this.label = label;
        }

        public String getLabel() {
            return label;
        }
    }

    private final Path relayHome;
    private final ProfileDirectory directory;
    private final Path spool;
    private final int smtpPort;
    private final List<String> jvmOptions;
    private ServerProcess process;

    private RelayUnderTest(Path relayHome, ProfileDirectory directory, List<String> jvmOptions) {
        this.relayHome = relayHome;
        this.directory = directory;
        this.spool = Paths.get("/dev/shm", "ramspool-bench-" + UUID.randomUUID());
        this.smtpPort = ServerProcess.freePort();
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Builds the working directory {@code root} for {@code mode}, delivering to 127.0.0.1:sinkPort with
     * {@code deliveryThreads} threads (and as many connections per host for the one-shot mailet).
     */
    public static RelayUnderTest prepare(Path relayHome, Path root, List<String> jvmOptions, DeliveryMode mode,
                                         int sinkPort, int deliveryThreads) {
        ProfileDirectory directory = ProfileDirectory.copy(relayHome.resolve("profiles/edge"), root);
        RelayUnderTest relay = new RelayUnderTest(relayHome, directory, jvmOptions);
        relay.createSpool();
        relay.configureLoopback();
        if (mode == DeliveryMode.ONE_SHOT) {
            relay.configureOneShot(sinkPort, deliveryThreads);
        } else {
            directory.replace("mailetcontainer.xml", ONE_SHOT_MAILET, stockRemoteDelivery(sinkPort, deliveryThreads));
        }
        return relay;
    }

    public int getSmtpPort() {
        return smtpPort;
    }

    /** The relay's process id, once started. */
    public long getPid() {
        return process.getPid();
    }

    public Path getLog() {
        return directory.getLogs().resolve("james.log");
    }

    private void createSpool() {
        try {
            Files.createDirectories(spool);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create spool " + spool, e);
        }
    }

    private void configureLoopback() {
        directory.replace("smtpserver.xml", "<bind>[^<]*</bind>", "<bind>127.0.0.1:" + smtpPort + "</bind>");
        directory.replace("webadmin.properties", "(?m)^port=.*$", "port=" + ServerProcess.freePort());
        directory.replace("jmx.properties", "(?m)^jmx\\.enabled=.*$", "jmx.enabled=false");
        directory.replace("ramspool.properties", "(?m)^directory=.*$", "directory=" + spool);
        directory.replace("mailrepositorystore.xml", "<directory>[^<]*</directory>",
            "<directory>" + spool + "</directory>");
    }

    private void configureOneShot(int sinkPort, int deliveryThreads) {
        String sink = "127.0.0.1:" + sinkPort;
        String domain = SmtpLoadClient.RECIPIENT.substring(SmtpLoadClient.RECIPIENT.indexOf('@') + 1);
        directory.replace("mailetcontainer.xml", "<fallbackGateways>[^<]*</fallbackGateways>",
            "<routes>" + domain + "=" + sink + "</routes><fallbackGateways>" + sink + "</fallbackGateways>");
        directory.replace("mailetcontainer.xml", "<deliveryThreads>[^<]*</deliveryThreads>",
            "<deliveryThreads>" + deliveryThreads + "</deliveryThreads>");
        directory.replace("mailetcontainer.xml", "<maxConnectionsPerHost>[^<]*</maxConnectionsPerHost>",
            "<maxConnectionsPerHost>" + deliveryThreads + "</maxConnectionsPerHost>");
    }

    /**
     * James's stock RemoteDelivery as the edge profile configured it before the one-shot mailet,
     * in gateway mode towards 127.0.0.1:sinkPort: the mailet element for {@code mailetcontainer.xml}.
     */
    public static String stockRemoteDelivery(int sinkPort, int deliveryThreads) {
        return String.join("\n",
            "<mailet match=\"relay-allowed\" class=\"RemoteDelivery\">",
            "    <outgoing>outgoing</outgoing>",
            "    <delayTime>5 * 1 minute, 3 * 10 minutes, 2 * 1 hour</delayTime>",
            "    <maxRetries>10</maxRetries>",
            "    <maxDnsProblemRetries>0</maxDnsProblemRetries>",
            "    <sendpartial>true</sendpartial>",
            "    <timeout>60000</timeout>",
            "    <connectiontimeout>30000</connectiontimeout>",
            "    <bounceProcessor>bounces</bounceProcessor>",
            "    <deliveryThreads>" + deliveryThreads + "</deliveryThreads>",
            "    <gateway>127.0.0.1</gateway>",
            "    <gatewayPort>" + sinkPort + "</gatewayPort>",
            "</mailet>");
    }

    /** Starts the relay with the archive's classpath, as bin/start.sh does, and waits for its start line. */
    public void start() {
        Path root = directory.getRoot();
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:+ExitOnOutOfMemoryError",
            "-Dworking.directory=" + root,
            "-Dlogback.configurationFile=" + directory.getConf().resolve("logback.xml"),
            "-Dramspool.log.dir=" + directory.getLogs(),
            "-cp", relayHome.resolve("lib") + "/*", MAIN_CLASS));
        process = ServerProcess.start(command, root, directory.getLogs().resolve("console.log"), getLog(),
            STARTED_LINE, START_TIMEOUT);
    }

    /** Stops the relay with SIGTERM (SIGKILL after 60 s) and deletes its spool. */
    @Override
    public void close() {
        try {
            if (process != null) {
                process.close();
            }
        } finally {
            ProfileDirectory.deleteRecursively(spool);
        }
    }

    static void sleep(long millis) {
        ServerProcess.sleep(millis);
    }
}
