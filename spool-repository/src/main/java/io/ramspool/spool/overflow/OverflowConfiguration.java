package io.ramspool.spool.overflow;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.util.Size;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableSet;

import io.ramspool.spool.internal.store.StoreOptions;

/**
 * The overflow settings of {@code ramspool.properties}. Immutable.
 *
 * <ul>
 *   <li>{@code overflow} ({@code reject} | {@code disk}, default {@code reject}): above the high
 *       watermark, refuse new mail with 452, or take it into {@code overflowDirectory}.</li>
 *   <li>{@code overflowDirectory} (path, no default; required with {@code overflow=disk}): a
 *       directory on a durable disk, never the RAM disk. Written with fsync, like a retry host's
 *       spool.</li>
 *   <li>{@code overflowMaxSize} (size such as {@code 10G}, default {@code 0} = the file system's
 *       free space): the most the overflow may hold; beyond it (or below {@code minimumFreeSpace}
 *       of free disk) new mail gets 452 again.</li>
 * </ul>
 */
public final class OverflowConfiguration {
    public static final String OVERFLOW = "overflow";
    public static final OverflowMode DEFAULT_OVERFLOW = OverflowMode.REJECT;
    public static final String OVERFLOW_DIRECTORY = "overflowDirectory";
    public static final String OVERFLOW_MAX_SIZE = "overflowMaxSize";
    public static final String DEFAULT_OVERFLOW_MAX_SIZE = "0";
    public static final Set<String> KEYS = ImmutableSet.of(OVERFLOW, OVERFLOW_DIRECTORY, OVERFLOW_MAX_SIZE);

    private final OverflowMode mode;
    private final Optional<Path> directory;
    private final long maxSizeBytes;

    public OverflowConfiguration(OverflowMode mode, Optional<Path> directory, long maxSizeBytes) {
        Preconditions.checkNotNull(mode, OVERFLOW);
        Preconditions.checkArgument(mode != OverflowMode.DISK || directory.isPresent(),
            "%s=disk needs %s, a directory on a durable disk", OVERFLOW, OVERFLOW_DIRECTORY);
        Preconditions.checkArgument(maxSizeBytes >= 0, "%s must not be negative, got %s", OVERFLOW_MAX_SIZE,
            maxSizeBytes);
        this.mode = mode;
        this.directory = directory.map(path -> path.toAbsolutePath().normalize());
        this.maxSizeBytes = maxSizeBytes;
    }

    /** Overflow off: new mail is refused above the high watermark. */
    public static OverflowConfiguration reject() {
        return new OverflowConfiguration(OverflowMode.REJECT, Optional.empty(), 0);
    }

    public static OverflowConfiguration disk(Path directory, long maxSizeBytes) {
        return new OverflowConfiguration(OverflowMode.DISK, Optional.of(directory), maxSizeBytes);
    }

    /**
     * Reads the keys above, ignoring any other key.
     *
     * @throws IllegalArgumentException naming the key of a bad or missing value
     */
    public static OverflowConfiguration from(Configuration configuration) {
        OverflowMode mode = OverflowMode.parse(OVERFLOW,
            configuration.getString(OVERFLOW, DEFAULT_OVERFLOW.name()));
        Optional<Path> directory = Optional.ofNullable(configuration.getString(OVERFLOW_DIRECTORY, null))
            .map(String::trim)
            .filter(value -> !value.isEmpty())
            .map(Paths::get);
        return new OverflowConfiguration(mode, directory,
            parseSize(configuration.getString(OVERFLOW_MAX_SIZE, DEFAULT_OVERFLOW_MAX_SIZE)));
    }

    private static long parseSize(String value) {
        try {
            return Size.parse(value.trim()).asBytes();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad value for " + OVERFLOW_MAX_SIZE + ": '" + value
                + "', expected a size such as 10G", e);
        }
    }

    public OverflowMode getMode() {
        return mode;
    }

    public boolean isEnabled() {
        return mode == OverflowMode.DISK;
    }

    /** The overflow directory; present when the mode is {@link OverflowMode#DISK}. */
    public Optional<Path> getDirectory() {
        return directory;
    }

    public long getMaxSizeBytes() {
        return maxSizeBytes;
    }

    /** The overflow store's options: always durable. Empty when overflow is off. */
    public Optional<StoreOptions> toStoreOptions() {
        if (!isEnabled()) {
            return Optional.empty();
        }
        return directory.map(path -> new StoreOptions(path, true, maxSizeBytes, true));
    }

    @Override
    public String toString() {
        return "OverflowConfiguration{mode=" + mode + ", directory=" + directory.map(Path::toString).orElse("-")
            + ", maxSize=" + maxSizeBytes + "}";
    }
}
