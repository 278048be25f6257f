package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.ramspool.benchmarks.relay.ProfileDirectory;
import io.ramspool.benchmarks.relay.ServerProcess;

/**
 * A Postfix instance of its own (Debian's package, its binaries and defaults): its own
 * {@code config_directory}, {@code queue_directory} (on /dev/shm or on disk) and
 * {@code data_directory}, listening on a loopback port, relaying everything from 127.0.0.0/8 to
 * {@code relayhost = [127.0.0.1]:sink}. It runs in the foreground ({@code postfix start-fg}) as a
 * child of the harness and is stopped with {@code postfix stop}; the system's own instance and
 * its configuration are never touched.
 *
 * <p>Settings beyond Postfix's defaults are only those a loopback relay needs: no local
 * delivery, no DNS, no TLS, logging to a file of its own.
 */
final class PostfixTarget implements LoadTarget {
    static final Path POSTFIX = Paths.get("/usr/sbin/postfix");
    private static final String STARTED_LINE = "daemon started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path root;
    private final Path queue;
    private final int smtpPort = ServerProcess.freePort();
    private final int sinkPort;
    private ServerProcess process;

    PostfixTarget(Path root, boolean queueOnTmpfs, int sinkPort) {
        this.root = root;
        this.queue = queueDirectory(queueOnTmpfs);
        this.sinkPort = sinkPort;
        writeConfiguration();
    }

    /**
     * A short path: Postfix's sockets live in the queue directory and a Unix socket's path is
     * limited to about 100 bytes, which a queue inside the work directory easily exceeds. On disk,
     * /var/tmp is used (same disk as the work directory here; see the report's conditions).
     */
    private static Path queueDirectory(boolean onTmpfs) {
        String name = "rsb-postfix-" + UUID.randomUUID().toString().substring(0, 8);
        return onTmpfs ? Paths.get("/dev/shm", name) : Paths.get("/var/tmp", name);
    }

    /** Why Postfix cannot run here, if it cannot: not installed, or not root. */
    static Optional<String> unavailableReason() {
        if (!Files.isExecutable(POSTFIX)) {
            return Optional.of("Postfix is not installed (" + POSTFIX + " missing; as root: "
                + "DEBIAN_FRONTEND=noninteractive apt-get install -y postfix)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("Postfix instances must be started as root, the harness runs as "
                + System.getProperty("user.name"));
        }
        return Optional.empty();
    }

    /** The installed version, from {@code postconf -d mail_version}; "unknown" when it cannot be read. */
    static String version() {
        try {
            Process postconf = new ProcessBuilder("/usr/sbin/postconf", "-d", "-h", "mail_version")
                .redirectErrorStream(true)
                .start();
            String output = new String(postconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return postconf.waitFor(10, TimeUnit.SECONDS) && postconf.exitValue() == 0 ? output : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private void writeConfiguration() {
        try {
            Files.createDirectories(conf());
            Files.createDirectories(queue);
            Files.writeString(conf().resolve("main.cf"), mainCf(), StandardCharsets.US_ASCII);
            Files.writeString(conf().resolve("master.cf"), masterCf(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Postfix configuration in " + root, e);
        }
    }

    private Path conf() {
        return root.resolve("conf");
    }

    private Path log() {
        return root.resolve("postfix.log");
    }

    private String mainCf() {
        return String.join("\n",
            "# Postfix instance of the ramspool load benchmark; everything else is Postfix's default.",
            "compatibility_level = 3.6",
            "queue_directory = " + queue,
            "data_directory = " + root.resolve("data"),
            "mail_owner = postfix",
            "setgid_group = postdrop",
            "myhostname = postfix.bench.test",
            "mydomain = bench.test",
            "mydestination =",
            "local_transport = error:local delivery is off",
            "alias_maps =",
            "alias_database =",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8",
            "smtpd_relay_restrictions = permit_mynetworks, reject",
            "relayhost = [127.0.0.1]:" + sinkPort,
            "smtp_dns_support_level = disabled",
            "smtp_tls_security_level = none",
            "smtpd_tls_security_level = none",
            "maillog_file = " + log(),
            "maillog_file_prefixes = " + root,
            "");
    }

    /** The services a relay uses, none chrooted (the chroot would need copies of system files). */
    private String masterCf() {
        return String.join("\n",
            "127.0.0.1:" + smtpPort + " inet n - n - - smtpd",
            "pickup unix n - n 60 1 pickup",
            "cleanup unix n - n - 0 cleanup",
            "qmgr unix n - n 300 1 qmgr",
            "rewrite unix - - n - - trivial-rewrite",
            "bounce unix - - n - 0 bounce",
            "defer unix - - n - 0 bounce",
            "trace unix - - n - 0 bounce",
            "verify unix - - n - 1 verify",
            "flush unix n - n 1000? 0 flush",
            "proxymap unix - - n - - proxymap",
            "smtp unix - - n - - smtp",
            "relay unix - - n - - smtp",
            "showq unix n - n - - showq",
            "error unix - - n - - error",
            "retry unix - - n - - error",
            "discard unix - - n - - discard",
            "anvil unix - - n - 1 anvil",
            "scache unix - - n - 1 scache",
            "postlog unix-dgram n - n - 1 postlogd",
            "");
    }

    @Override
    public void start() {
        List<String> command = List.of(POSTFIX.toString(), "-c", conf().toString(), "start-fg");
        process = ServerProcess.start(command, root, root.resolve("console.log"), log(), STARTED_LINE,
            START_TIMEOUT);
        awaitListening();
    }

    /** The master logs its start before smtpd's socket is surely open; wait for the socket too. */
    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), smtpPort), 1000);
                return;
            } catch (IOException notYet) {
                ServerProcess.sleep(100);
            }
        }
        throw new IllegalStateException("Postfix in " + root + " does not listen on " + smtpPort);
    }

    @Override
    public int getSmtpPort() {
        return smtpPort;
    }

    @Override
    public long getPid() {
        return process.getPid();
    }

    @Override
    public Path getDirectory() {
        return root;
    }

    /** {@code postfix stop}, then waits for the foreground master; removes the queue and data directories. */
    @Override
    public void close() {
        try {
            if (process != null) {
                runStop();
                process.awaitExit(Duration.ofSeconds(30));
                process.close();
            }
        } finally {
            ProfileDirectory.deleteRecursively(queue);
            ProfileDirectory.deleteRecursively(root.resolve("data"));
        }
    }

    private void runStop() {
        try {
            Process stop = new ProcessBuilder(POSTFIX.toString(), "-c", conf().toString(), "stop")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("console.log").toFile()))
                .start();
            stop.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run postfix stop for " + root, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
