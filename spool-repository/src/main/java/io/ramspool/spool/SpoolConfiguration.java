package io.ramspool.spool;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.Set;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.util.Size;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableSet;

import io.ramspool.spool.capacity.CapacityPolicy;
import io.ramspool.spool.capacity.Watermark;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.overflow.OverflowConfiguration;

/**
 * Settings of a spool store, read from {@code ramspool.properties} (the queue) or from a
 * repository's {@code <config>} block. Immutable; unknown keys and bad values are rejected with
 * a message that names the key and the value.
 *
 * <ul>
 *   <li>{@code directory} (path, default {@value #DEFAULT_DIRECTORY}): where the store lives;
 *       on a RAM disk (tmpfs) for an edge relay, on a normal disk for a retry host.</li>
 *   <li>{@code durability} ({@code ramdisk} | {@code durable}, default {@code ramdisk}): whether
 *       each write is fsynced before it is acknowledged.</li>
 *   <li>{@code maxSize} (size with unit such as {@code 512M}, default {@code 0} = no cap of our
 *       own): the largest number of bytes the store may hold; a write beyond it is refused.</li>
 *   <li>{@code verifyChecksumsOnOpen} (boolean, default true): recompute every entry's checksum
 *       during the recovery scan at start-up.</li>
 *   <li>{@code intakeReserve} (percentage of the spool or size, default {@value IntakeReserve#DEFAULT}):
 *       room that new mail may not take, kept for moving mail already accepted
 *       ({@link IntakeReserve}).</li>
 *   <li>the watermarks of {@link CapacityPolicy}.</li>
 *   <li>the overflow keys of {@link OverflowConfiguration} ({@code overflow}, {@code overflowDirectory},
 *       {@code overflowMaxSize}).</li>
 * </ul>
 */
public final class SpoolConfiguration {
    public static final String DIRECTORY = "directory";
    public static final String DEFAULT_DIRECTORY = "/dev/shm/ramspool";
    public static final String DURABILITY = "durability";
    public static final Durability DEFAULT_DURABILITY = Durability.RAMDISK;
    public static final String MAX_SIZE = "maxSize";
    public static final long DEFAULT_MAX_SIZE = StoreOptions.NO_CAP;
    public static final String VERIFY_CHECKSUMS_ON_OPEN = "verifyChecksumsOnOpen";
    public static final boolean DEFAULT_VERIFY_CHECKSUMS_ON_OPEN = true;
    public static final Set<String> STORE_KEYS = ImmutableSet.of(DIRECTORY, DURABILITY, MAX_SIZE,
        VERIFY_CHECKSUMS_ON_OPEN);
    public static final Set<String> KEYS = ImmutableSet.<String>builder()
        .addAll(STORE_KEYS)
        .add(IntakeReserve.KEY)
        .addAll(CapacityPolicy.KEYS)
        .addAll(OverflowConfiguration.KEYS)
        .build();

    private final Path directory;
    private final Durability durability;
    private final long maxSizeBytes;
    private final boolean verifyChecksumsOnOpen;
    private final CapacityPolicy capacityPolicy;
    private final Watermark intakeReserve;
    private final OverflowConfiguration overflow;

    public SpoolConfiguration(Path directory, Durability durability, long maxSizeBytes, boolean verifyChecksumsOnOpen) {
        this(directory, durability, maxSizeBytes, verifyChecksumsOnOpen, CapacityPolicy.defaults(),
            Watermark.parse(IntakeReserve.KEY, IntakeReserve.DEFAULT));
    }

    public SpoolConfiguration(Path directory, Durability durability, long maxSizeBytes, boolean verifyChecksumsOnOpen,
                              CapacityPolicy capacityPolicy, Watermark intakeReserve) {
        this(directory, durability, maxSizeBytes, verifyChecksumsOnOpen, capacityPolicy, intakeReserve,
            OverflowConfiguration.reject());
    }

    public SpoolConfiguration(Path directory, Durability durability, long maxSizeBytes, boolean verifyChecksumsOnOpen,
                              CapacityPolicy capacityPolicy, Watermark intakeReserve, OverflowConfiguration overflow) {
        Preconditions.checkNotNull(directory, DIRECTORY);
        Preconditions.checkNotNull(overflow, OverflowConfiguration.OVERFLOW);
        Preconditions.checkArgument(overflow.getDirectory()
                .map(path -> !path.equals(directory.toAbsolutePath().normalize())).orElse(true),
            "%s must not be the spool directory %s", OverflowConfiguration.OVERFLOW_DIRECTORY, directory);
        Preconditions.checkNotNull(durability, DURABILITY);
        Preconditions.checkArgument(maxSizeBytes >= 0, "%s must not be negative, got %s", MAX_SIZE, maxSizeBytes);
        this.directory = directory;
        this.durability = durability;
        this.maxSizeBytes = maxSizeBytes;
        this.verifyChecksumsOnOpen = verifyChecksumsOnOpen;
        this.capacityPolicy = Preconditions.checkNotNull(capacityPolicy, "capacityPolicy");
        this.intakeReserve = Preconditions.checkNotNull(intakeReserve, IntakeReserve.KEY);
        this.overflow = overflow;
    }

    public static SpoolConfiguration defaults() {
        return new SpoolConfiguration(Paths.get(DEFAULT_DIRECTORY), DEFAULT_DURABILITY, DEFAULT_MAX_SIZE,
            DEFAULT_VERIFY_CHECKSUMS_ON_OPEN);
    }

    /**
     * Reads the settings from a James configuration (properties file or XML {@code <config>}).
     *
     * @throws IllegalArgumentException naming the key for an unknown key or a bad value
     */
    public static SpoolConfiguration from(Configuration configuration) {
        rejectUnknownKeys(configuration);
        String directory = configuration.getString(DIRECTORY, DEFAULT_DIRECTORY).trim();
        Preconditions.checkArgument(!directory.isEmpty(), "%s must not be empty", DIRECTORY);
        String durability = configuration.getString(DURABILITY, DEFAULT_DURABILITY.name());
        return new SpoolConfiguration(Paths.get(directory), Durability.parse(durability),
            parseSize(configuration.getString(MAX_SIZE, "0")),
            parseBoolean(configuration.getString(VERIFY_CHECKSUMS_ON_OPEN, "true")),
            CapacityPolicy.from(configuration),
            Watermark.parse(IntakeReserve.KEY, configuration.getString(IntakeReserve.KEY, IntakeReserve.DEFAULT)),
            OverflowConfiguration.from(configuration));
    }

    private static void rejectUnknownKeys(Configuration configuration) {
        Iterator<String> keys = configuration.getKeys();
        while (keys.hasNext()) {
            String key = keys.next();
            // James adds XML attributes to a repository's configuration ([@destinationURL]); they are not ours.
            if (!KEYS.contains(key) && !key.startsWith("[@")) {
                throw new IllegalArgumentException("unknown spool setting '" + key + "', known settings: " + KEYS);
            }
        }
    }

    private static long parseSize(String value) {
        try {
            return Size.parse(value.trim()).asBytes();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad value for " + MAX_SIZE + ": '" + value
                + "', expected a size such as 512M or 1G", e);
        }
    }

    private static boolean parseBoolean(String value) {
        String trimmed = value.trim();
        if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(trimmed);
        }
        throw new IllegalArgumentException("bad value for " + VERIFY_CHECKSUMS_ON_OPEN + ": '" + value
            + "', expected true or false");
    }

    public Path getDirectory() {
        return directory;
    }

    public Durability getDurability() {
        return durability;
    }

    public long getMaxSizeBytes() {
        return maxSizeBytes;
    }

    public boolean isVerifyChecksumsOnOpen() {
        return verifyChecksumsOnOpen;
    }

    /** Room the intake queue leaves free for mail already accepted (see {@link IntakeReserve}). */
    public Watermark getIntakeReserve() {
        return intakeReserve;
    }

    /** Whether and where new mail overflows to disk above the high watermark. */
    public OverflowConfiguration getOverflow() {
        return overflow;
    }

    /** Watermarks of the SMTP capacity guard and the health check. */
    public CapacityPolicy getCapacityPolicy() {
        return capacityPolicy;
    }

    public StoreOptions toStoreOptions() {
        return new StoreOptions(directory, durability == Durability.DURABLE, maxSizeBytes, verifyChecksumsOnOpen);
    }

    @Override
    public String toString() {
        return "SpoolConfiguration{directory=" + directory + ", durability=" + durability + ", maxSize="
            + maxSizeBytes + ", overflow=" + overflow + "}";
    }
}
