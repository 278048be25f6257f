package io.ramspool.distribution;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.builder.fluent.Configurations;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.Durability;
import io.ramspool.spool.RamSpoolQueueModule;
import io.ramspool.spool.SpoolConfiguration;

/**
 * The start-up check of the spool directory, run before James is assembled so that a bad
 * directory stops the relay with one clear message instead of a Guice stack trace.
 *
 * <p>The directory named by {@code conf/ramspool.properties} must exist and be writable. For a
 * {@code ramdisk} spool it should also be on tmpfs: otherwise the check logs a warning, or fails
 * when {@code conf/relay.properties} sets {@value #REQUIRE_TMPFS} to true. A {@code durable}
 * spool is meant to be on disk and skips the tmpfs check. With {@code overflow=disk} the overflow
 * directory is created if needed and must not be on tmpfs.
 */
public final class SpoolDirectoryCheck {
    public static final String RELAY_CONFIGURATION_FILE = "relay.properties";
    public static final String REQUIRE_TMPFS = "requireTmpfs";
    public static final boolean DEFAULT_REQUIRE_TMPFS = false;
    public static final String TMPFS = "tmpfs";
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolDirectoryCheck.class);

    private SpoolDirectoryCheck() {
    }

    /**
     * Checks the spool directory configured in {@code confDirectory}.
     *
     * @return the spool settings, for the start-up summary
     * @throws RelayStartupException naming the directory and what is wrong with it
     */
    public static SpoolConfiguration verify(Path confDirectory) {
        SpoolConfiguration spool = readSpoolConfiguration(confDirectory);
        boolean requireTmpfs = readRequireTmpfs(confDirectory);
        Path directory = spool.getDirectory().toAbsolutePath();
        if (!Files.isDirectory(directory)) {
            throw new RelayStartupException("spool directory " + directory + " does not exist. Create it (mkdir -p "
                + directory + ") on a tmpfs such as /dev/shm, or set '" + SpoolConfiguration.DIRECTORY + "' in "
                + confDirectory.resolve(RamSpoolQueueModule.CONFIGURATION_FILE + ".properties"));
        }
        if (!Files.isWritable(directory)) {
            throw new RelayStartupException("spool directory " + directory + " is not writable by this user");
        }
        if (spool.getDurability() == Durability.RAMDISK) {
            checkTmpfs(directory, requireTmpfs);
        }
        spool.getOverflow().getDirectory().ifPresent(SpoolDirectoryCheck::checkOverflowDirectory);
        return spool;
    }

    /**
     * The overflow directory ({@code overflow=disk}) is created if missing, and must be on a disk:
     * mail there was acknowledged while the RAM disk was full, and a tmpfs would lose it at reboot.
     */
    private static void checkOverflowDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new RelayStartupException("cannot create the overflow directory " + directory + ": " + e, e);
        }
        if (!Files.isWritable(directory)) {
            throw new RelayStartupException("overflow directory " + directory + " is not writable by this user");
        }
        String type = fileSystemType(directory);
        if (TMPFS.equals(type) || "ramfs".equals(type)) {
            throw new RelayStartupException("overflow directory " + directory + " is on " + type
                + ": it must be on a durable disk, or mail accepted into it is lost at reboot");
        }
    }

    private static void checkTmpfs(Path directory, boolean requireTmpfs) {
        String type = fileSystemType(directory);
        if (TMPFS.equals(type)) {
            return;
        }
        String problem = "spool directory " + directory + " is on a " + type + " file system, not on " + TMPFS
            + ": the spool will run at disk speed";
        if (requireTmpfs) {
            throw new RelayStartupException(problem + " (" + REQUIRE_TMPFS + "=true in " + RELAY_CONFIGURATION_FILE
                + ")");
        }
        LOGGER.warn("{}; set {}=true in {} to refuse to start instead", problem, REQUIRE_TMPFS,
            RELAY_CONFIGURATION_FILE);
    }

    static String fileSystemType(Path directory) {
        try {
            return Files.getFileStore(directory).type();
        } catch (IOException e) {
            throw new RelayStartupException("cannot read the file system type of spool directory " + directory
                + ": " + e, e);
        }
    }

    private static SpoolConfiguration readSpoolConfiguration(Path confDirectory) {
        Optional<Configuration> file = readProperties(confDirectory
            .resolve(RamSpoolQueueModule.CONFIGURATION_FILE + ".properties"));
        try {
            return file.map(SpoolConfiguration::from).orElseGet(SpoolConfiguration::defaults);
        } catch (IllegalArgumentException e) {
            throw new RelayStartupException("bad " + RamSpoolQueueModule.CONFIGURATION_FILE + ".properties: "
                + e.getMessage(), e);
        }
    }

    private static boolean readRequireTmpfs(Path confDirectory) {
        Optional<Configuration> file = readProperties(confDirectory.resolve(RELAY_CONFIGURATION_FILE));
        if (file.isEmpty()) {
            return DEFAULT_REQUIRE_TMPFS;
        }
        rejectUnknownKeys(file.get());
        String value = file.get().getString(REQUIRE_TMPFS, String.valueOf(DEFAULT_REQUIRE_TMPFS)).trim();
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new RelayStartupException("bad value for " + REQUIRE_TMPFS + " in " + RELAY_CONFIGURATION_FILE
                + ": '" + value + "', expected true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static void rejectUnknownKeys(Configuration configuration) {
        Iterator<String> keys = configuration.getKeys();
        while (keys.hasNext()) {
            String key = keys.next();
            if (!REQUIRE_TMPFS.equals(key)) {
                throw new RelayStartupException("unknown setting '" + key + "' in " + RELAY_CONFIGURATION_FILE
                    + ", known settings: [" + REQUIRE_TMPFS + "]");
            }
        }
    }

    private static Optional<Configuration> readProperties(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            File asFile = file.toFile();
            return Optional.of(new Configurations().properties(asFile));
        } catch (ConfigurationException e) {
            throw new RelayStartupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
