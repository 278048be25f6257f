package io.ramspool.spool.capacity;

import java.util.Set;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.util.Size;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableSet;

/**
 * When the relay stops taking new mail and when it takes it again: a high and a low watermark on
 * bytes (share of the spool's capacity or absolute size) and on the number of mails. Above a
 * high watermark new recipients get {@code 452 4.3.1}; intake resumes once usage is back below
 * both low watermarks. The defaults suit a 1 GiB tmpfs.
 *
 * <ul>
 *   <li>{@code highWatermark} (percentage or size, default {@value #DEFAULT_HIGH_WATERMARK})</li>
 *   <li>{@code lowWatermark} (percentage or size, default {@value #DEFAULT_LOW_WATERMARK})</li>
 *   <li>{@code highWatermarkMails} (count, default {@value #DEFAULT_HIGH_WATERMARK_MAILS})</li>
 *   <li>{@code lowWatermarkMails} (count, default {@value #DEFAULT_LOW_WATERMARK_MAILS})</li>
 *   <li>{@code minimumFreeSpace} (size, default {@value #DEFAULT_MINIMUM_FREE_SPACE}): below it the
 *       spool counts as full (health check unhealthy)</li>
 * </ul>
 */
public final class CapacityPolicy {
    public static final String HIGH_WATERMARK = "highWatermark";
    public static final String DEFAULT_HIGH_WATERMARK = "80%";
    public static final String LOW_WATERMARK = "lowWatermark";
    public static final String DEFAULT_LOW_WATERMARK = "60%";
    public static final String HIGH_WATERMARK_MAILS = "highWatermarkMails";
    public static final long DEFAULT_HIGH_WATERMARK_MAILS = 100_000;
    public static final String LOW_WATERMARK_MAILS = "lowWatermarkMails";
    public static final long DEFAULT_LOW_WATERMARK_MAILS = 80_000;
    public static final String MINIMUM_FREE_SPACE = "minimumFreeSpace";
    public static final String DEFAULT_MINIMUM_FREE_SPACE = "1M";
    public static final Set<String> KEYS = ImmutableSet.of(HIGH_WATERMARK, LOW_WATERMARK, HIGH_WATERMARK_MAILS,
        LOW_WATERMARK_MAILS, MINIMUM_FREE_SPACE);

    private final Watermark high;
    private final Watermark low;
    private final long highMails;
    private final long lowMails;
    private final long minimumFreeBytes;

    public CapacityPolicy(Watermark high, Watermark low, long highMails, long lowMails, long minimumFreeBytes) {
        Preconditions.checkArgument(highMails > 0 && lowMails > 0 && lowMails <= highMails,
            "%s (%s) must be positive and not above %s (%s)", LOW_WATERMARK_MAILS, lowMails, HIGH_WATERMARK_MAILS,
            highMails);
        Preconditions.checkArgument(high.isPercentage() != low.isPercentage() || lowNotAboveHigh(high, low),
            "%s (%s) must not be above %s (%s)", LOW_WATERMARK, low, HIGH_WATERMARK, high);
        Preconditions.checkArgument(minimumFreeBytes >= 0, "%s must not be negative", MINIMUM_FREE_SPACE);
        this.high = high;
        this.low = low;
        this.highMails = highMails;
        this.lowMails = lowMails;
        this.minimumFreeBytes = minimumFreeBytes;
    }

    private static boolean lowNotAboveHigh(Watermark high, Watermark low) {
        return high.isPercentage() ? low.getFraction() <= high.getFraction() : low.getBytes() <= high.getBytes();
    }

    public static CapacityPolicy defaults() {
        return new CapacityPolicy(Watermark.parse(HIGH_WATERMARK, DEFAULT_HIGH_WATERMARK),
            Watermark.parse(LOW_WATERMARK, DEFAULT_LOW_WATERMARK), DEFAULT_HIGH_WATERMARK_MAILS,
            DEFAULT_LOW_WATERMARK_MAILS, Size.parse(DEFAULT_MINIMUM_FREE_SPACE).asBytes());
    }

    /**
     * Reads the keys above from {@code configuration}, ignoring any other key.
     *
     * @throws IllegalArgumentException naming the key of a bad value
     */
    public static CapacityPolicy from(Configuration configuration) {
        return new CapacityPolicy(
            Watermark.parse(HIGH_WATERMARK, configuration.getString(HIGH_WATERMARK, DEFAULT_HIGH_WATERMARK)),
            Watermark.parse(LOW_WATERMARK, configuration.getString(LOW_WATERMARK, DEFAULT_LOW_WATERMARK)),
            parseCount(HIGH_WATERMARK_MAILS, configuration.getString(HIGH_WATERMARK_MAILS,
                String.valueOf(DEFAULT_HIGH_WATERMARK_MAILS))),
            parseCount(LOW_WATERMARK_MAILS, configuration.getString(LOW_WATERMARK_MAILS,
                String.valueOf(DEFAULT_LOW_WATERMARK_MAILS))),
            parseSize(MINIMUM_FREE_SPACE, configuration.getString(MINIMUM_FREE_SPACE, DEFAULT_MINIMUM_FREE_SPACE)));
    }

    private static long parseCount(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad value for " + key + ": '" + value + "', expected a number of mails",
                e);
        }
    }

    private static long parseSize(String key, String value) {
        try {
            return Size.parse(value.trim()).asBytes();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad value for " + key + ": '" + value + "', expected a size such as 1M",
                e);
        }
    }

    public Watermark getHigh() {
        return high;
    }

    public Watermark getLow() {
        return low;
    }

    public long getHighMails() {
        return highMails;
    }

    public long getLowMails() {
        return lowMails;
    }

    public long getMinimumFreeBytes() {
        return minimumFreeBytes;
    }

    @Override
    public String toString() {
        return "CapacityPolicy{high=" + high + ", low=" + low + ", highMails=" + highMails + ", lowMails=" + lowMails
            + ", minimumFree=" + minimumFreeBytes + "}";
    }
}
