package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A relay working directory made from a james-conf profile for one test: loopback ports chosen
 * at random, a spool directory of its own under /dev/shm, and targeted edits of the profile files.
 * Every edit checks that the text it replaces exists, so a profile change breaks tests loudly.
 */
final class RelayWorkingDirectory implements AutoCloseable {
    static final String PROFILES_PROPERTY = "ramspool.profiles";
    /** The edge profile's delivery queue, the one-shot mailet's own. */
    static final String DELIVERY_QUEUE = "oneshot-outgoing";
    /** The recipient domain that {@link #withGateway(int, String)} routes to the gateway. */
    static final String REMOTE_DOMAIN = "remote.example";
    private static final String EDGE_FALLBACK = "<fallbackGateways>127.0.0.1:2526</fallbackGateways>";
    private static final String CAPACITY_HOOK = "<handler class=\"io.ramspool.mailets.smtp.SpoolCapacityHook\"/>";
    private static final Random RANDOM = new Random();

    private final Path root;
    private final Path spool;
    private final int smtpPort;
    private final int webadminPort;
    private final int jmxPort;

    private RelayWorkingDirectory(Path root, Path spool) {
        this.root = root;
        this.spool = spool;
        this.smtpPort = freePort();
        this.webadminPort = freePort();
        this.jmxPort = freePort();
    }

    /** Copies {@code profile} into {@code parent}, on a fresh spool directory that already exists. */
    static RelayWorkingDirectory fromProfile(String profile, Path parent) {
        Path spool = Paths.get("/dev/shm", "ramspool-test-" + UUID.randomUUID());
        RelayWorkingDirectory directory = new RelayWorkingDirectory(parent.resolve("relay"), spool);
        directory.copyProfile(profile);
        directory.configureDefaults();
        return directory;
    }

    private void copyProfile(String profile) {
        Path source = Paths.get(System.getProperty(PROFILES_PROPERTY), profile);
        try {
            Files.createDirectories(root.resolve("conf"));
            Files.createDirectories(root.resolve("var"));
            Files.createDirectories(root.resolve("extensions-jars"));
            Files.createDirectories(spool);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, root.resolve("conf").resolve(file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void configureDefaults() {
        edit("smtpserver.xml", "<bind>127.0.0.1:2525</bind>", "<bind>127.0.0.1:" + smtpPort + "</bind>");
        edit("webadmin.properties", "port=8000", "port=" + webadminPort);
        edit("jmx.properties", "jmx.port=9999", "jmx.port=" + jmxPort);
        edit("ramspool.properties", "directory=/dev/shm/ramspool", "directory=" + spool);
        edit("mailrepositorystore.xml", "<directory>/dev/shm/ramspool</directory>",
            "<directory>" + spool + "</directory>");
        // Only 127.0.0.1 may relay, so that a client bound to 127.0.0.2 is outside the networks.
        edit("smtpserver.xml", "<authorizedAddresses>127.0.0.0/8</authorizedAddresses>",
            "<authorizedAddresses>127.0.0.1/32</authorizedAddresses>");
    }

    /**
     * Delivers mail for {@value #REMOTE_DOMAIN} to {@code 127.0.0.1:port} (a static route, and the
     * same host as fallback gateway); while nothing listens there, the mail waits in
     * {@value #DELIVERY_QUEUE} and is retried every {@code delay}.
     */
    RelayWorkingDirectory withGateway(int port, String delay) {
        return withRoutes(REMOTE_DOMAIN + "=127.0.0.1:" + port)
            .withFallbackGateway(port)
            .withRetryDelay(delay);
    }

    /** Replaces the profile's fallback gateway (the local retry host) by {@code 127.0.0.1:port}. */
    RelayWorkingDirectory withFallbackGateway(int port) {
        return edit("mailetcontainer.xml", EDGE_FALLBACK,
            "<fallbackGateways>127.0.0.1:" + port + "</fallbackGateways>");
    }

    /** Sets the one-shot mailet's static routes, {@code domain=host:port[,...][;...]}. */
    RelayWorkingDirectory withRoutes(String routes) {
        return edit("mailetcontainer.xml", EDGE_FALLBACK, "<routes>" + routes + "</routes>\n"
            + "                " + EDGE_FALLBACK);
    }

    /** A mail that every host refused is retried after {@code delay}, without doubling. */
    RelayWorkingDirectory withRetryDelay(String delay) {
        return edit("mailetcontainer.xml", "<retryDelay>1m</retryDelay>", "<retryDelay>" + delay + "</retryDelay>")
            .edit("mailetcontainer.xml", "<maxRetryDelay>1h</maxRetryDelay>",
                "<maxRetryDelay>" + delay + "</maxRetryDelay>");
    }

    /**
     * Prepares the profile for James's own memory server (not our launcher): JMX off, both our
     * jars in extensions-jars (the profile names our mailet, our SMTP hook and our repository),
     * and the SMTP capacity hook pointed at this test's spool. Outside our launcher the hook reads
     * its spool directory from its own settings, whose default (/dev/shm/ramspool) is not ours.
     */
    RelayWorkingDirectory forStockServer() {
        Path extensions = root.resolve("extensions-jars");
        ExtensionJars.install("ramspool-mailets", "mailets", extensions);
        ExtensionJars.install("ramspool-spool-repository", "spool-repository", extensions);
        return edit("jmx.properties", "jmx.enabled=true", "jmx.enabled=false")
            .edit("smtpserver.xml", CAPACITY_HOOK,
                CAPACITY_HOOK.replace("/>", "><directory>" + spool + "</directory></handler>"));
    }

    RelayWorkingDirectory edit(String file, String expected, String replacement) {
        Path path = root.resolve("conf").resolve(file);
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8);
            assertThat(content).as("profile file %s", file).contains(expected);
            Files.writeString(path, content.replace(expected, replacement), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Path getRoot() {
        return root;
    }

    Path getSpool() {
        return spool;
    }

    int getSmtpPort() {
        return smtpPort;
    }

    int getWebadminPort() {
        return webadminPort;
    }

    int getJmxPort() {
        return jmxPort;
    }

    /** Deletes the spool directory under /dev/shm; the working directory belongs to the test's TempDir. */
    @Override
    public void close() {
        deleteRecursively(spool);
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999), for a gateway that is down while a
     * relay tries it: a connection to a closed ephemeral port on loopback can pick that very port
     * as its source and connect to itself, which then looks like a gateway that never answers.
     */
    static int freeGatewayPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + RANDOM.nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException ignored) {
                // Taken by another process; try another one.
            }
        }
        throw new IllegalStateException("no free port found between 20000 and 32000");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
