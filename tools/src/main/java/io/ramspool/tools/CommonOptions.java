package io.ramspool.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.Properties;

import org.apache.commons.configuration2.MapConfiguration;

import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.dump.AfterReload;
import io.ramspool.spool.dump.DumpConfiguration;
import io.ramspool.spool.internal.store.StoreOptions;
import picocli.CommandLine.Option;

/**
 * Where the spool and the dumps are: from explicit options, else from the server's
 * configuration directory ({@code --conf}), else the defaults of the server.
 */
final class CommonOptions {
    @Option(names = "--conf", paramLabel = "DIR",
        description = "James configuration directory; ramspool.properties and ramspool-dump.properties are read"
            + " from it. Explicit --spool and --dump-dir win.")
    Path confDirectory;

    @Option(names = "--spool", paramLabel = "DIR",
        description = "Spool directory (default: from --conf, else " + SpoolConfiguration.DEFAULT_DIRECTORY + ").")
    Path spool;

    @Option(names = "--dump-dir", paramLabel = "DIR",
        description = "Dump directory (default: from --conf, else " + DumpConfiguration.DEFAULT_DUMP_DIRECTORY + ").")
    Path dumpDirectory;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on standard error.")
    boolean quiet;

    StoreOptions storeOptions() throws IOException {
        SpoolConfiguration configuration = readConfiguration("ramspool")
            .map(SpoolConfiguration::from)
            .orElse(SpoolConfiguration.defaults());
        StoreOptions options = configuration.toStoreOptions();
        if (spool == null) {
            return options;
        }
        return new StoreOptions(spool, options.isDurable(), options.getMaxBytes(), options.isVerifyChecksumsOnOpen());
    }

    Path dumpDirectory() throws IOException {
        if (dumpDirectory != null) {
            return dumpDirectory.toAbsolutePath().normalize();
        }
        return readConfiguration(DumpConfiguration.CONFIGURATION_FILE)
            .map(configuration -> DumpConfiguration.from(configuration, relayHome()))
            .map(DumpConfiguration::getDumpDirectory)
            .orElse(Paths.get(DumpConfiguration.DEFAULT_DUMP_DIRECTORY));
    }

    /**
     * What a restore does with the dump it replayed: keep it as the checkpoint when
     * {@code checkpoint=true} in the server's ramspool-dump.properties, so that the server's
     * checkpoint continues from it; else retire it.
     */
    AfterReload afterReload() throws IOException {
        return readConfiguration(DumpConfiguration.CONFIGURATION_FILE)
            .map(DumpConfiguration::from)
            .map(DumpConfiguration::getAfterReload)
            .orElse(AfterReload.RETIRE);
    }

    /** The installation the configuration belongs to: relative paths in it are relative to it, as for the relay. */
    private Path relayHome() {
        return confDirectory.toAbsolutePath().normalize().getParent();
    }

    private Optional<MapConfiguration> readConfiguration(String name) throws IOException {
        if (confDirectory == null) {
            return Optional.empty();
        }
        Path file = confDirectory.resolve(name + ".properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return Optional.of(new MapConfiguration(properties));
    }

    ProgressPrinter progress(String verb) {
        return new ProgressPrinter(verb, quiet);
    }
}
