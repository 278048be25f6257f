package io.ramspool.benchmarks.load;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.ramspool.benchmarks.relay.ProfileDirectory;
import io.ramspool.benchmarks.relay.RelayUnderTest;
import io.ramspool.benchmarks.relay.ServerProcess;

/**
 * Stock James 3.8.1 from the relay archive's {@code lib/}: {@code MemoryJamesServerMain} with its
 * memory queue, or {@link StockJamesActiveMqMain} with ActiveMQ/KahaDB in its working directory
 * (on disk). Its configuration is the edge profile with every ramspool part taken out: the SMTP
 * capacity hook goes, repositories become {@code memory://}, and OneShotRemoteDelivery becomes
 * stock RemoteDelivery with the sink as gateway. The mailet pipeline, spooler threads and SMTP
 * settings stay the same, so the queue and the delivery mailet are what differ.
 */
final class StockJamesTarget implements LoadTarget {
    private static final String STARTED_LINE = "JAMES server started";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String MEMORY_REPOSITORIES = String.join("\n",
        "<mailrepositories>",
        "        <mailrepository class=\"org.apache.james.mailrepository.memory.MemoryMailRepository\">",
        "            <protocols>",
        "                <protocol>memory</protocol>",
        "            </protocols>",
        "        </mailrepository>",
        "    </mailrepositories>");

    /** Which queue stock James runs on. */
    enum Queue {
        MEMORY("org.apache.james.MemoryJamesServerMain"),
        ACTIVEMQ(StockJamesActiveMqMain.class.getName());

        private final String mainClass;

        Queue(String mainClass) {
            this.mainClass = mainClass;
        }
    }

    private final TargetContext context;
    private final ProfileDirectory directory;
    private final Queue queue;
    private final int smtpPort = ServerProcess.freePort();
    private ServerProcess process;

    StockJamesTarget(TargetContext context, Path root, Queue queue) {
        this.context = context;
        this.directory = ProfileDirectory.copy(context.relayHome().resolve("profiles/edge"), root);
        this.queue = queue;
        configure();
    }

    private void configure() {
        directory.replace("smtpserver.xml", "<bind>[^<]*</bind>", "<bind>127.0.0.1:" + smtpPort + "</bind>");
        directory.replace("smtpserver.xml", "<handler class=\"io\\.ramspool\\.[^\"]*\"/>", "");
        directory.replace("webadmin.properties", "(?m)^port=.*$", "port=" + ServerProcess.freePort());
        directory.replace("jmx.properties", "(?m)^jmx\\.enabled=.*$", "jmx.enabled=false");
        directory.replace("mailetcontainer.xml", "ramdisk://", "memory://");
        directory.replace("mailetcontainer.xml", RelayUnderTest.ONE_SHOT_MAILET,
            RelayUnderTest.stockRemoteDelivery(context.sinkPort(), context.deliveryThreads()));
        directory.replace("mailrepositorystore.xml", "<defaultProtocol>[^<]*</defaultProtocol>",
            "<defaultProtocol>memory</defaultProtocol>");
        directory.replace("mailrepositorystore.xml", "(?s)<mailrepositories>.*</mailrepositories>",
            MEMORY_REPOSITORIES);
        directory.delete("ramspool.properties");
        directory.delete("relay.properties");
    }

    @Override
    public void start() {
        List<String> command = context.javaCommand();
        command.addAll(List.of("-Dworking.directory=" + directory.getRoot(),
            "-Dlogback.configurationFile=" + directory.getConf().resolve("logback.xml"),
            "-Dramspool.log.dir=" + directory.getLogs(),
            "-cp", classpath(), queue.mainClass));
        process = ServerProcess.start(command, directory.getRoot(), directory.getLogs().resolve("console.log"),
            directory.getLogs().resolve("james.log"), STARTED_LINE, START_TIMEOUT);
    }

    /**
     * The archive's jars come first, so stock James runs on exactly the jars ramspool runs on; the
     * ActiveMQ server adds the harness's own classpath (its main class, ActiveMQ and KahaDB).
     */
    private String classpath() {
        String lib = context.lib() + File.separator + "*";
        return queue == Queue.MEMORY ? lib : lib + File.pathSeparator + harnessClasspath();
    }

    /** The harness's classpath with every entry made absolute: the server runs in another directory. */
    private static String harnessClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Paths.get(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
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
        return directory.getRoot();
    }

    /** Stops James and removes {@code var/} (the KahaDB store and blob files of the ActiveMQ queue). */
    @Override
    public void close() {
        try {
            if (process != null) {
                process.close();
            }
        } finally {
            ProfileDirectory.deleteRecursively(directory.getRoot().resolve("var"));
        }
    }
}
