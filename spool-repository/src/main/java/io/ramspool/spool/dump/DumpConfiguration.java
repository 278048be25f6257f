package io.ramspool.spool.dump;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Set;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.util.DurationParser;

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
 *   <li>{@code checkpoint} (boolean, default false): mirror every new and removed entry to
 *       {@code <dumpDirectory>/checkpoint/} while the relay runs (see {@link SpoolCheckpoint}), so
 *       that a power loss loses at most the mail of the last {@code checkpointLag}.</li>
 *   <li>{@code checkpointLag} (duration such as {@code 500ms} or {@code 2s}, a bare number is
 *       milliseconds; default {@value #DEFAULT_CHECKPOINT_LAG}; from 50 ms to 10 minutes): how
 *       long a change may wait before it is on the dump disk. Shorter means more, smaller
 *       fsync batches.</li>
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
    public static final String CHECKPOINT = "checkpoint";
    public static final boolean DEFAULT_CHECKPOINT = false;
    public static final String CHECKPOINT_LAG = "checkpointLag";
    public static final String DEFAULT_CHECKPOINT_LAG = "1s";
    public static final Duration MIN_CHECKPOINT_LAG = Duration.ofMillis(50);
    public static final Duration MAX_CHECKPOINT_LAG = Duration.ofMinutes(10);
    public static final Set<String> KEYS = ImmutableSet.of(DUMP_DIRECTORY, RELOAD_ON_START, DUMP_ON_STOP, CHECKPOINT,
        CHECKPOINT_LAG);

    private final Path dumpDirectory;
    private final boolean reloadOnStart;
    private final boolean dumpOnStop;
    private final boolean checkpoint;
    private final Duration checkpointLag;

    public DumpConfiguration(Path dumpDirectory, boolean reloadOnStart, boolean dumpOnStop) {
        this(dumpDirectory, reloadOnStart, dumpOnStop, DEFAULT_CHECKPOINT, defaultCheckpointLag());
    }

    public DumpConfiguration(Path dumpDirectory, boolean reloadOnStart, boolean dumpOnStop, boolean checkpoint,
                             Duration checkpointLag) {
        this.dumpDirectory = Preconditions.checkNotNull(dumpDirectory, DUMP_DIRECTORY).toAbsolutePath().normalize();
        Preconditions.checkNotNull(checkpointLag, CHECKPOINT_LAG);
        Preconditions.checkArgument(checkpointLag.compareTo(MIN_CHECKPOINT_LAG) >= 0
                && checkpointLag.compareTo(MAX_CHECKPOINT_LAG) <= 0, "%s must be between %s and %s ms, got %s ms",
            CHECKPOINT_LAG, MIN_CHECKPOINT_LAG.toMillis(), MAX_CHECKPOINT_LAG.toMillis(), checkpointLag.toMillis());
        this.reloadOnStart = reloadOnStart;
        this.dumpOnStop = dumpOnStop;
        this.checkpoint = checkpoint;
        this.checkpointLag = checkpointLag;
    }

    /** Dump, reload and checkpoint off: what a server without {@code ramspool-dump.properties} runs with. */
    public static DumpConfiguration disabled() {
        return new DumpConfiguration(Paths.get(DEFAULT_DUMP_DIRECTORY), false, false);
    }

    private static Duration defaultCheckpointLag() {
        return DurationParser.parse(DEFAULT_CHECKPOINT_LAG, ChronoUnit.MILLIS);
    }

    /**
     * Reads the settings from a James configuration.
     *
     * @throws IllegalArgumentException naming the key for an unknown key or a bad value
     */
    public static DumpConfiguration from(Configuration configuration) {
        return from(configuration, Paths.get(""));
    }

    /**
     * Reads the settings from a James configuration; a relative {@value #DUMP_DIRECTORY} is taken
     * relative to {@code home} (the relay's installation, parent of {@code conf/}), so that the
     * server and the {@code ramspool} tool find the same directory whatever their current directory.
     *
     * @throws IllegalArgumentException naming the key for an unknown key or a bad value
     */
    public static DumpConfiguration from(Configuration configuration, Path home) {
        Iterator<String> keys = configuration.getKeys();
        while (keys.hasNext()) {
            String key = keys.next();
            Preconditions.checkArgument(KEYS.contains(key), "unknown dump setting '%s', known settings: %s", key, KEYS);
        }
        String directory = configuration.getString(DUMP_DIRECTORY, DEFAULT_DUMP_DIRECTORY).trim();
        Preconditions.checkArgument(!directory.isEmpty(), "%s must not be empty", DUMP_DIRECTORY);
        return new DumpConfiguration(home.resolve(directory),
            parseBoolean(RELOAD_ON_START, configuration.getString(RELOAD_ON_START, "true")),
            parseBoolean(DUMP_ON_STOP, configuration.getString(DUMP_ON_STOP, "true")),
            parseBoolean(CHECKPOINT, configuration.getString(CHECKPOINT, String.valueOf(DEFAULT_CHECKPOINT))),
            parseDuration(CHECKPOINT_LAG, configuration.getString(CHECKPOINT_LAG, DEFAULT_CHECKPOINT_LAG)));
    }

    private static Duration parseDuration(String key, String value) {
        try {
            return DurationParser.parse(value.trim(), ChronoUnit.MILLIS);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value for " + key + ": '" + value
                + "', expected a duration such as 500ms or 2s", e);
        }
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

    /** Whether the continuous checkpoint runs while the relay runs. */
    public boolean isCheckpoint() {
        return checkpoint;
    }

    /** The longest time a committed change may wait before the checkpoint has it on disk. */
    public Duration getCheckpointLag() {
        return checkpointLag;
    }

    /** What a reload at start does with the dump it replayed: keep it as the checkpoint when checkpointing is on. */
    public AfterReload getAfterReload() {
        return checkpoint ? AfterReload.KEEP_AS_CHECKPOINT : AfterReload.RETIRE;
    }

    @Override
    public String toString() {
        return "DumpConfiguration{dumpDirectory=" + dumpDirectory + ", reloadOnStart=" + reloadOnStart
            + ", dumpOnStop=" + dumpOnStop + ", checkpoint=" + checkpoint + ", checkpointLag="
            + checkpointLag.toMillis() + "ms}";
    }
}
