package io.ramspool.distribution;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.configuration2.builder.fluent.Configurations;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.dump.DumpConfiguration;

/**
 * Reads {@code conf/ramspool-dump.properties} before James starts, because the reload must run
 * before James opens the spool. Without the file, dump, reload and checkpoint are off.
 */
final class DumpSettings {
    private static final Logger LOGGER = LoggerFactory.getLogger(DumpSettings.class);

    private DumpSettings() {
    }

    static DumpConfiguration read(Path confDirectory) {
        Path file = confDirectory.resolve(DumpConfiguration.CONFIGURATION_FILE + ".properties");
        if (!Files.isRegularFile(file)) {
            LOGGER.info("No {} found, spool dump, reload and checkpoint are off", file);
            return DumpConfiguration.disabled();
        }
        try {
            Path home = confDirectory.toAbsolutePath().normalize().getParent();
            return DumpConfiguration.from(new Configurations().properties(file.toFile()), home);
        } catch (ConfigurationException | IllegalArgumentException e) {
            throw new RelayStartupException("bad " + file + ": " + e.getMessage(), e);
        }
    }
}
