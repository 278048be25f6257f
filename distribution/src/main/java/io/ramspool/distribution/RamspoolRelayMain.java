package io.ramspool.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.modules.data.MemoryUsersRepositoryModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.JMXServerModule;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.MailRepositoriesRoutesModule;
import org.apache.james.modules.server.MailboxRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.dropwizard.MetricsRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Stopwatch;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.util.Modules;

import io.ramspool.spool.RamSpoolQueueModule;
import io.ramspool.distribution.smtp.RamspoolSmtpServerFactory;
import io.ramspool.distribution.webadmin.SpoolRoutes;
import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.dump.DumpConfiguration;
import io.ramspool.spool.dump.SpoolDumpService;
import io.ramspool.spool.internal.store.StoreException;

/**
 * Starts the ramspool relay: an Apache James 3.8.1 SMTP server assembled from the memory app's
 * modules (SMTP, mailet container, mailboxes, domains and users, webadmin, JMX) with every James
 * mail queue on the RAM spool.
 *
 * <p>Reads everything from {@code -Dworking.directory=DIR}: {@code DIR/conf} (configuration,
 * including {@code jvm.properties}, loaded before anything else), {@code DIR/var} and
 * {@code DIR/extensions-jars}. Before James is assembled it checks the spool directory
 * ({@link SpoolDirectoryCheck}), reloads the last dump into an empty spool
 * ({@code conf/ramspool-dump.properties}) and restricts RMI to the JMX address; a failed check
 * prints one line and exits with status 1. Once James runs, the optional checkpoint starts; at
 * stop the spool is dumped (see {@link RamspoolRelay#close()}).
 */
public final class RamspoolRelayMain {
    public static final String WORKING_DIRECTORY_PROPERTY = "working.directory";
    public static final String JVM_PROPERTIES_FILE = "jvm.properties";
    private static final Logger LOGGER = LoggerFactory.getLogger(RamspoolRelayMain.class);

    /** Webadmin routes of the relay: health checks, domains and users, mailboxes, queues, repositories. */
    public static final Module WEBADMIN = Modules.combine(
        new WebAdminServerModule(),
        new DataRoutesModules(),
        new MailboxRoutesModule(),
        new MailQueueRoutesModule(),
        new MailRepositoriesRoutesModule(),
        new NoJwtModule());

    /**
     * James's SMTP server with our line decoder: a mail with a line over James's limit is refused
     * whole after its data instead of being answered 500 mid-data and then accepted without the line.
     */
    private static final Module SMTP_FRAMING = new AbstractModule() {
        @Override
        protected void configure() {
            bind(SMTPServerFactory.class).to(RamspoolSmtpServerFactory.class).in(Scopes.SINGLETON);
        }
    };

    private RamspoolRelayMain() {
    }

    public static void main(String[] args) {
        try {
            RamspoolRelay relay = startRelay(workingDirectory());
            Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "ramspool-shutdown"));
        } catch (RelayStartupException e) {
            LOGGER.error("ramspool relay cannot start: {}", e.getMessage(), e);
            System.err.println("ramspool relay cannot start: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Checks the spool and starts the relay; returns once James reports it started.
     *
     * @throws RelayStartupException when the spool check fails or James does not start
     */
    public static RamspoolRelay startRelay(Path workingDirectory) {
        Stopwatch stopwatch = Stopwatch.createStarted();
        Path conf = workingDirectory.resolve("conf");
        loadJvmProperties(conf.resolve(JVM_PROPERTIES_FILE));
        SpoolConfiguration spool = SpoolDirectoryCheck.verify(conf);
        SpoolDumpService dumps = new SpoolDumpService(spool, DumpSettings.read(conf));
        reloadBeforeStart(dumps);
        LoopbackRmiSocketFactory.install(jmxAddress(conf));
        GuiceJamesServer server = createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(workingDirectory.toFile())
            .build(), dumps);
        try {
            server.start();
        } catch (Exception e) {
            throw new RelayStartupException("James did not start: " + e, e);
        }
        RamspoolRelay relay = new RamspoolRelay(server, spool, dumps);
        relay.startCheckpoint();
        LOGGER.info("ramspool relay started workingDirectory={} spool={} durability={} durationMs={}",
            workingDirectory, spool.getDirectory().toAbsolutePath(), spool.getDurability(),
            stopwatch.elapsed().toMillis());
        return relay;
    }

    /**
     * Replays the last dump into an empty spool before James opens it: after a reboot the RAM disk
     * is empty and the mail is in the dump. A spool that still holds mail is left as it is.
     */
    private static void reloadBeforeStart(SpoolDumpService dumps) {
        try {
            dumps.reloadOnStart();
        } catch (StoreException e) {
            throw new RelayStartupException("cannot reload the spool from its dump, the dump is kept: "
                + e.getMessage(), e);
        }
    }

    /** The relay's Guice assembly, for tests that start it in the same JVM. */
    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration) {
        return createServer(configuration, new SpoolDumpService(SpoolConfiguration.defaults(),
            DumpConfiguration.disabled()));
    }

    static GuiceJamesServer createServer(MemoryJamesConfiguration configuration, SpoolDumpService dumps) {
        return GuiceJamesServer.forConfiguration(configuration)
            .combineWith(MemoryJamesServerMain.SMTP_ONLY_MODULE)
            .combineWith(new UsersRepositoryModuleChooser(new MemoryUsersRepositoryModule())
                .chooseModules(configuration.getUsersRepositoryImplementation()))
            .combineWith(WEBADMIN, new FakeSearchMailboxModule(), new JMXServerModule(), adminModule(dumps))
            .overrideWith(new RamSpoolQueueModule(), SMTP_FRAMING);
    }

    /** The spool's own webadmin routes, {@code /metrics}, and the dump service they report on. */
    private static Module adminModule(SpoolDumpService dumps) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(SpoolDumpService.class).toInstance(dumps);
                Multibinder<Routes> routes = Multibinder.newSetBinder(binder(), Routes.class);
                routes.addBinding().to(SpoolRoutes.class);
                // Prometheus text format of James's metrics, the spool's gauges included.
                routes.addBinding().to(MetricsRoutes.class);
            }
        };
    }

    private static Path workingDirectory() {
        String value = System.getProperty(WORKING_DIRECTORY_PROPERTY);
        if (value == null || value.isBlank()) {
            throw new RelayStartupException("-D" + WORKING_DIRECTORY_PROPERTY + " is not set; bin/start.sh sets it"
                + " to the install directory");
        }
        Path directory = Paths.get(value).toAbsolutePath();
        if (!Files.isDirectory(directory.resolve("conf"))) {
            throw new RelayStartupException("no conf directory in working directory " + directory);
        }
        return directory;
    }

    /**
     * Loads {@code jvm.properties} as system properties without overriding those set on the command
     * line. James's own loader reads it relative to the current directory; we read it from the
     * working directory so that the relay does not depend on where it was started from.
     */
    private static void loadJvmProperties(Path file) {
        if (!Files.isRegularFile(file)) {
            LOGGER.info("No {} found in {}", JVM_PROPERTIES_FILE, file.getParent());
            return;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new RelayStartupException("cannot read " + file + ": " + e, e);
        }
        properties.stringPropertyNames().stream()
            .filter(key -> System.getProperty(key) == null)
            .forEach(key -> System.setProperty(key, properties.getProperty(key)));
        LOGGER.info("Loaded system properties file={} count={}", file, properties.size());
    }

    private static InetAddress jmxAddress(Path conf) {
        Properties jmx = new Properties();
        Path file = conf.resolve("jmx.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                jmx.load(in);
            } catch (IOException e) {
                throw new RelayStartupException("cannot read " + file + ": " + e, e);
            }
        }
        String address = jmx.getProperty("jmx.address", "127.0.0.1").trim();
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new RelayStartupException("bad jmx.address '" + address + "' in " + file + ": " + e, e);
        }
    }
}
