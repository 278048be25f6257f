package io.ramspool.benchmarks.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One ramspool relay process for one benchmark round: the assembled archive's {@code lib/} and
 * its {@code profiles/edge}, copied into a working directory of its own and edited for loopback
 * ports, a fresh spool under /dev/shm, JMX off, and the delivery mailet of the round. Every edit
 * checks that the text it replaces exists, so a profile change breaks the benchmark loudly.
 */
final class RelayUnderTest implements AutoCloseable {
    private static final String MAIN_CLASS = "io.ramspool.distribution.RamspoolRelayMain";
    private static final String STARTED_LINE = "ramspool relay started";
    private static final long START_TIMEOUT_MILLIS = 120_000;
    /** The whole one-shot mailet element; {@code (?s)} lets {@code .} cross lines. */
    private static final String ONE_SHOT_MAILET =
        "(?s)<mailet match=\"relay-allowed\" class=\"io\\.ramspool\\.mailets\\.OneShotRemoteDelivery\">.*?</mailet>";

    /** Which mailet delivers remote mail, both to the same sink. */
    enum DeliveryMode {
        ONE_SHOT("one-shot"),
        STOCK("stock");

        private final String label;

        DeliveryMode(String label) {
            this.label = label;
        }

        String getLabel() {
            return label;
        }
    }

    private final Path relayHome;
    private final Path root;
    private final Path spool;
    private final int smtpPort;
    private final List<String> jvmOptions;
    private Process process;

    private RelayUnderTest(Path relayHome, Path root, List<String> jvmOptions) {
        this.relayHome = relayHome;
        this.root = root;
        this.spool = Paths.get("/dev/shm", "ramspool-bench-" + UUID.randomUUID());
        this.smtpPort = freePort();
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Builds the working directory {@code root} for {@code mode}, delivering to 127.0.0.1:sinkPort with
     * {@code deliveryThreads} threads (and as many connections per host for the one-shot mailet).
     */
    static RelayUnderTest prepare(Path relayHome, Path root, List<String> jvmOptions, DeliveryMode mode,
                                  int sinkPort, int deliveryThreads) {
        RelayUnderTest relay = new RelayUnderTest(relayHome, root, jvmOptions);
        relay.copyProfile();
        relay.configureLoopback();
        if (mode == DeliveryMode.ONE_SHOT) {
            relay.configureOneShot(sinkPort, deliveryThreads);
        } else {
            relay.configureStock(sinkPort, deliveryThreads);
        }
        return relay;
    }

    int getSmtpPort() {
        return smtpPort;
    }

    Path getLog() {
        return root.resolve("logs/james.log");
    }

    private void copyProfile() {
        Path profile = relayHome.resolve("profiles/edge");
        try {
            Files.createDirectories(root.resolve("conf"));
            Files.createDirectories(root.resolve("logs"));
            Files.createDirectories(spool);
            try (Stream<Path> files = Files.list(profile)) {
                for (Path file : files.toList()) {
                    Files.copy(file, root.resolve("conf").resolve(file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy profile " + profile + " to " + root, e);
        }
    }

    private void configureLoopback() {
        replace("smtpserver.xml", "<bind>[^<]*</bind>", "<bind>127.0.0.1:" + smtpPort + "</bind>");
        replace("webadmin.properties", "(?m)^port=.*$", "port=" + freePort());
        replace("jmx.properties", "(?m)^jmx\\.enabled=.*$", "jmx.enabled=false");
        replace("ramspool.properties", "(?m)^directory=.*$", "directory=" + spool);
        replace("mailrepositorystore.xml", "<directory>[^<]*</directory>", "<directory>" + spool + "</directory>");
    }

    private void configureOneShot(int sinkPort, int deliveryThreads) {
        String sink = "127.0.0.1:" + sinkPort;
        String domain = SmtpLoadClient.RECIPIENT.substring(SmtpLoadClient.RECIPIENT.indexOf('@') + 1);
        replace("mailetcontainer.xml", "<fallbackGateways>[^<]*</fallbackGateways>",
            "<routes>" + domain + "=" + sink + "</routes><fallbackGateways>" + sink + "</fallbackGateways>");
        replace("mailetcontainer.xml", "<deliveryThreads>[^<]*</deliveryThreads>",
            "<deliveryThreads>" + deliveryThreads + "</deliveryThreads>");
        replace("mailetcontainer.xml", "<maxConnectionsPerHost>[^<]*</maxConnectionsPerHost>",
            "<maxConnectionsPerHost>" + deliveryThreads + "</maxConnectionsPerHost>");
    }

    /** James's RemoteDelivery as the edge profile configured it before the one-shot mailet, in gateway mode. */
    private void configureStock(int sinkPort, int deliveryThreads) {
        String stock = String.join("\n",
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
        replace("mailetcontainer.xml", ONE_SHOT_MAILET, stock);
    }

    private void replace(String file, String regex, String replacement) {
        Path path = root.resolve("conf").resolve(file);
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8);
            Matcher matcher = Pattern.compile(regex).matcher(content);
            if (!matcher.find()) {
                throw new IllegalStateException("profile file " + path + " has no match for " + regex);
            }
            Files.writeString(path, matcher.replaceAll(Matcher.quoteReplacement(replacement)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot edit " + path, e);
        }
    }

    /** Starts the relay with the archive's classpath, as bin/start.sh does, and waits for its start line. */
    void start() {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:+ExitOnOutOfMemoryError",
            "-Dworking.directory=" + root,
            "-Dlogback.configurationFile=" + root.resolve("conf/logback.xml"),
            "-Dramspool.log.dir=" + root.resolve("logs"),
            "-cp", relayHome.resolve("lib") + "/*", MAIN_CLASS));
        try {
            process = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("logs/console.log").toFile())
                .start();
            awaitStarted();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the relay in " + root, e);
        }
    }

    private void awaitStarted() throws IOException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("relay exited with " + process.exitValue() + "; see " + root
                    + "/logs");
            }
            if (Files.exists(getLog()) && Files.readString(getLog(), StandardCharsets.UTF_8).contains(STARTED_LINE)) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException("relay did not start within " + START_TIMEOUT_MILLIS + " ms; see " + root);
    }

    /** Stops the relay with SIGTERM (SIGKILL after 60 s) and deletes its spool. */
    @Override
    public void close() {
        try {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteRecursively(spool);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete spool " + directory, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
