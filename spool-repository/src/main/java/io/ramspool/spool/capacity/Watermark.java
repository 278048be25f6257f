package io.ramspool.spool.capacity;

import java.util.Locale;

import org.apache.james.util.Size;

import com.google.common.base.Preconditions;

/**
 * A byte watermark: a share of the spool's capacity ({@code 80%}) or an absolute size
 * ({@code 800M}). Immutable.
 */
public final class Watermark {
    private final double fraction;
    private final long bytes;

    private Watermark(double fraction, long bytes) {
        this.fraction = fraction;
        this.bytes = bytes;
    }

    public static Watermark percent(double percent) {
        Preconditions.checkArgument(percent >= 0 && percent <= 100, "a percentage must be in [0, 100], got %s",
            percent);
        return new Watermark(percent / 100, -1);
    }

    public static Watermark bytes(long bytes) {
        Preconditions.checkArgument(bytes >= 0, "a size must not be negative, got %s", bytes);
        return new Watermark(-1, bytes);
    }

    /**
     * Parses {@code NN%} or a size with unit; the message of the exception names {@code key}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Watermark parse(String key, String value) {
        String trimmed = value.trim().toUpperCase(Locale.ROOT);
        try {
            if (trimmed.endsWith("%")) {
                return percent(Double.parseDouble(trimmed.substring(0, trimmed.length() - 1).trim()));
            }
            return bytes(Size.parse(trimmed).asBytes());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad value for " + key + ": '" + value
                + "', expected a percentage of the spool such as 80% or a size such as 800M", e);
        }
    }

    /** The watermark in bytes for a spool of {@code capacityBytes}. */
    public long resolve(long capacityBytes) {
        if (bytes >= 0) {
            return bytes;
        }
        return (long) (capacityBytes * fraction);
    }

    boolean isPercentage() {
        return bytes < 0;
    }

    double getFraction() {
        return fraction;
    }

    long getBytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return isPercentage() ? (fraction * 100) + "%" : bytes + " bytes";
    }
}
