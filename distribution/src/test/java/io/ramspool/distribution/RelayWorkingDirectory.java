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
public final class RelayWorkingDirectory implements AutoCloseable {
    public static final String PROFILES_PROPERTY = "ramspool.profiles";
    /** The edge profile's delivery queue, the one-shot mailet's own. */
    public static final String DELIVERY_QUEUE = "oneshot-outgoing";
    /** The recipient domain that {@link #withGateway(int, String)} routes to the gateway. */
    public static final String REMOTE_DOMAIN = "remote.example";
    private static final String EDGE_FALLBACK = "<fallbackGateways>127.0.0.1:2526</fallbackGateways>";
    private static final String CAPACITY_HOOK = "<handler class=\"io.ramspool.mailets.smtp.SpoolCapacityHook\"/>";
    private static final Random RANDOM = new Random();
    private static final ProfileDefaults EDGE = new ProfileDefaults(2525, 8000, 9999, "/dev/shm/ramspool");
    private static final ProfileDefaults RETRY = new ProfileDefaults(2526, 8001, 9998, "var/spool");

    /** What a profile ships and every test replaces: its ports and its spool directory. */
    private record ProfileDefaults(int smtpPort, int webadminPort, int jmxPort, String spool) {
    }

    private final Path root;
    private Path spool;
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
    public static RelayWorkingDirectory fromProfile(String profile, Path parent) {
        if (profile.equals("retry")) {
            return fromRetryProfile(parent);
        }
        Path spool = Paths.get("/dev/shm", "ramspool-test-" + UUID.randomUUID());
        RelayWorkingDirectory directory = new RelayWorkingDirectory(parent.resolve("relay"), spool);
        directory.copyProfile(profile);
        directory.configureDefaults(EDGE);
        return directory;
    }

    /**
     * Copies the retry host profile into {@code parent}: its durable spool stays on disk, in the
     * working directory's {@code var/spool} given as an absolute path.
     */
    public static RelayWorkingDirectory fromRetryProfile(Path parent) {
        Path root = parent.resolve("relay");
        RelayWorkingDirectory directory = new RelayWorkingDirectory(root, root.resolve(RETRY.spool()));
        directory.copyProfile("retry");
        directory.configureDefaults(RETRY);
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

    private void configureDefaults(ProfileDefaults profile) {
        edit("smtpserver.xml", "<bind>127.0.0.1:" + profile.smtpPort() + "</bind>",
            "<bind>127.0.0.1:" + smtpPort + "</bind>");
        edit("webadmin.properties", "port=" + profile.webadminPort(), "port=" + webadminPort);
        edit("jmx.properties", "jmx.port=" + profile.jmxPort(), "jmx.port=" + jmxPort);
        edit("ramspool.properties", "directory=" + profile.spool(), "directory=" + spool);
        edit("mailrepositorystore.xml", "<directory>" + profile.spool() + "</directory>",
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
    public RelayWorkingDirectory withGateway(int port, String delay) {
        return withRoutes(REMOTE_DOMAIN + "=127.0.0.1:" + port)
            .withFallbackGateway(port)
            .withRetryDelay(delay);
    }

    /** Replaces the profile's fallback gateway (the local retry host) by {@code 127.0.0.1:port}. */
    public RelayWorkingDirectory withFallbackGateway(int port) {
        return edit("mailetcontainer.xml", EDGE_FALLBACK,
            "<fallbackGateways>127.0.0.1:" + port + "</fallbackGateways>");
    }

    /** Sets the one-shot mailet's static routes, {@code domain=host:port[,...][;...]}. */
    public RelayWorkingDirectory withRoutes(String routes) {
        return edit("mailetcontainer.xml", EDGE_FALLBACK, "<routes>" + routes + "</routes>\n"
            + "                " + EDGE_FALLBACK);
    }

    /** A mail that every host refused is retried after {@code delay}, without doubling. */
    public RelayWorkingDirectory withRetryDelay(String delay) {
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

    /**
     * Moves the spool to {@code directory} with a size cap of {@code maxSize} (e.g. "4M"), in both
     * files that name it; the directory is created.
     */
    public RelayWorkingDirectory withSpoolAt(Path directory, String maxSize) {
        String configured = spool.toString();
        edit("ramspool.properties", "directory=" + configured, "directory=" + directory)
            .edit("ramspool.properties", "maxSize=512M", "maxSize=" + maxSize)
            .edit("mailrepositorystore.xml", "<directory>" + configured + "</directory>",
                "<directory>" + directory + "</directory>")
            .edit("mailrepositorystore.xml", "<maxSize>512M</maxSize>", "<maxSize>" + maxSize + "</maxSize>");
        if (!directory.equals(spool)) {
            deleteRecursively(spool);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        spool = directory;
        return this;
    }

    /** Writes {@code conf/ramspool-dump.properties}: dump, reload and checkpoint settings. */
    public RelayWorkingDirectory withDumpSettings(String properties) {
        try {
            Files.writeString(root.resolve("conf/ramspool-dump.properties"), properties, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RelayWorkingDirectory edit(String file, String expected, String replacement) {
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

    public Path getRoot() {
        return root;
    }

    public Path getSpool() {
        return spool;
    }

    public int getSmtpPort() {
        return smtpPort;
    }

    public int getWebadminPort() {
        return webadminPort;
    }

    public int getJmxPort() {
        return jmxPort;
    }

    /** Deletes the spool directory under /dev/shm; the working directory belongs to the test's TempDir. */
    @Override
    public void close() {
        deleteRecursively(spool);
    }

    public static void deleteRecursively(Path directory) {
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
    public static int freeGatewayPort() {
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

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
