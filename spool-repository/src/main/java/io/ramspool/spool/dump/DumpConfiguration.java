package io.ramspool.spool.dump;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.Set;

import org.apache.commons.configuration2.Configuration;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableSet;

/**
 * Settings of dump and reload, read from {@code ramspool-dump.properties} in James's
 * configuration directory. Immutable; unknown keys and bad values are rejected with a message
 * naming the key. Without the file, dump and reload are off (see {@link #disabled()}).
 *
 * <ul>
 *   <li>{@code dumpDirectory} (path, default {@value #DEFAULT_DUMP_DIRECTORY}): where dumps are
 *       written; must be on a durable disk, not on the RAM disk.</li>
 *   <li>{@code reloadOnStart} (boolean, default true): replay the current dump into an empty
 *       spool before James starts.</li>
 *   <li>{@code dumpOnStop} (boolean, default true): dump the spool after James stops.</li>
 * </ul>
 */
public final class DumpConfiguration {
    public static final String CONFIGURATION_FILE = "ramspool-dump";
    public static final String DUMP_DIRECTORY = "dumpDirectory";
    public static final String DEFAULT_DUMP_DIRECTORY = "/var/lib/ramspool/dump";
    public static final String RELOAD_ON_START = "reloadOnStart";
    public static final boolean DEFAULT_RELOAD_ON_START = true;
    public static final String DUMP_ON_STOP = "dumpOnStop";
    public static final boolean DEFAULT_DUMP_ON_STOP = true;
    public static final Set<String> KEYS = ImmutableSet.of(DUMP_DIRECTORY, RELOAD_ON_START, DUMP_ON_STOP);

    private final Path dumpDirectory;
    private final boolean reloadOnStart;
    private final boolean dumpOnStop;

    public DumpConfiguration(Path dumpDirectory, boolean reloadOnStart, boolean dumpOnStop) {
        this.dumpDirectory = Preconditions.checkNotNull(dumpDirectory, DUMP_DIRECTORY).toAbsolutePath().normalize();
        this.reloadOnStart = reloadOnStart;
        this.dumpOnStop = dumpOnStop;
    }

    /** Dump and reload off: what a server without {@code ramspool-dump.properties} runs with. */
    public static DumpConfiguration disabled() {
        return new DumpConfiguration(Paths.get(DEFAULT_DUMP_DIRECTORY), false, false);
    }

    /**
     * Reads the settings from a James configuration.
     *
     * @throws IllegalArgumentException naming the key for an unknown key or a bad value
     */
    public static DumpConfiguration from(Configuration configuration) {
        Iterator<String> keys = configuration.getKeys();
        while (keys.hasNext()) {
            String key = keys.next();
            Preconditions.checkArgument(KEYS.contains(key), "unknown dump setting '%s', known settings: %s", key, KEYS);
        }
        String directory = configuration.getString(DUMP_DIRECTORY, DEFAULT_DUMP_DIRECTORY).trim();
        Preconditions.checkArgument(!directory.isEmpty(), "%s must not be empty", DUMP_DIRECTORY);
        return new DumpConfiguration(Paths.get(directory),
            parseBoolean(RELOAD_ON_START, configuration.getString(RELOAD_ON_START, "true")),
            parseBoolean(DUMP_ON_STOP, configuration.getString(DUMP_ON_STOP, "true")));
    }

    private static boolean parseBoolean(String key, String value) {
        String trimmed = value.trim();
        Preconditions.checkArgument(trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false"),
            "bad value for %s: '%s', expected true or false", key, value);
        return Boolean.parseBoolean(trimmed);
    }

    public Path getDumpDirectory() {
        return dumpDirectory;
    }

    public boolean isReloadOnStart() {
        return reloadOnStart;
    }

    public boolean isDumpOnStop() {
        return dumpOnStop;
    }

    @Override
    public String toString() {
        return "DumpConfiguration{dumpDirectory=" + dumpDirectory + ", reloadOnStart=" + reloadOnStart
            + ", dumpOnStop=" + dumpOnStop + "}";
    }
}
