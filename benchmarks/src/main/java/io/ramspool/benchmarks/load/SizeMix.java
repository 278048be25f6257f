package io.ramspool.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The sizes of the mails of a load and their shares, written {@code 2k} (every mail 2 KiB) or
 * {@code 1k:70,10k:25,100k:5} (70 parts of 1 KiB mails, 25 of 10 KiB, 5 of 100 KiB). A size is
 * a number of bytes with an optional unit: {@code k}/{@code KiB} (1024) or {@code m}/{@code MiB}
 * (1024 * 1024), in any case. A missing weight counts as 1.
 *
 * <p>The size of a mail depends only on its sequence number (through a fixed hash), so every
 * target and every round of a run gets exactly the same mails. Immutable.
 */
public final class SizeMix {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    private final List<Share> shares;
    private final int totalWeight;

    private SizeMix(List<Share> shares) {
        this.shares = List.copyOf(shares);
        this.totalWeight = shares.stream().mapToInt(Share::weight).sum();
    }

    /** Every mail {@code size} bytes. */
    public static SizeMix of(int size) {
        return new SizeMix(List.of(new Share(size, 1)));
    }

    /**
     * @throws IllegalArgumentException naming the bad part when {@code text} is empty, a size or
     *     weight is not a positive number, or the unit is unknown
     */
    public static SizeMix parse(String text) {
        List<Share> shares = new ArrayList<>();
        for (String part : text.split(",")) {
            shares.add(parseShare(part.trim(), text));
        }
        return new SizeMix(shares);
    }

    private static Share parseShare(String part, String text) {
        String[] sizeAndWeight = part.split(":", -1);
        if (part.isEmpty() || sizeAndWeight.length > 2) {
            throw new IllegalArgumentException("size mix '" + text + "': expected SIZE or SIZE:WEIGHT, got '"
                + part + "'");
        }
        int size = parseSize(sizeAndWeight[0].trim());
        int weight = sizeAndWeight.length == 2 ? positive(sizeAndWeight[1].trim(), "weight", text) : 1;
        return new Share(size, weight);
    }

    /** {@code 2048}, {@code 2k}, {@code 2KiB}, {@code 1m}, {@code 1MiB}: a size in bytes. */
    public static int parseSize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.endsWith("kib") || lower.endsWith("k")) {
            return multiply(stripUnit(lower), KIB, text);
        }
        if (lower.endsWith("mib") || lower.endsWith("m")) {
            return multiply(stripUnit(lower), MIB, text);
        }
        return positive(lower.endsWith("b") ? lower.substring(0, lower.length() - 1) : lower, "size", text);
    }

    private static String stripUnit(String lower) {
        return lower.replaceFirst("(kib|mib|k|m)$", "");
    }

    private static int multiply(String number, int unit, String text) {
        long bytes = (long) positive(number, "size", text) * unit;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        return (int) bytes;
    }

    private static int positive(String number, String what, String text) {
        try {
            int value = Integer.parseInt(number);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " in '" + text + "' is not a number: '" + number + "'", e);
        }
        throw new IllegalArgumentException(what + " in '" + text + "' must be positive, got '" + number + "'");
    }

    /** The size in bytes of the mail with sequence number {@code sequence}. */
    public int sizeOf(int sequence) {
        int slot = Math.floorMod(mix(sequence), totalWeight);
        for (Share share : shares) {
            slot -= share.weight();
            if (slot < 0) {
                return share.size();
            }
        }
        throw new IllegalStateException("weights of " + getLabel() + " do not add up to " + totalWeight);
    }

    /** The mean mail size in bytes, from the weights (not from a sample). */
    public double getMeanSize() {
        return shares.stream().mapToDouble(share -> (double) share.size() * share.weight()).sum() / totalWeight;
    }

    /** The mix in canonical form, e.g. {@code 2KiB} or {@code 1KiB:70,10KiB:25,100KiB:5}. */
    public String getLabel() {
        if (shares.size() == 1) {
            return formatSize(shares.get(0).size());
        }
        return shares.stream()
            .map(share -> formatSize(share.size()) + ":" + share.weight())
            .collect(Collectors.joining(","));
    }

    /** 2048 as {@code 2KiB}, 1048576 as {@code 1MiB}, 1500 as {@code 1500B}. */
    public static String formatSize(int bytes) {
        if (bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return bytes + "B";
    }

    /** SplitMix64's finaliser: spreads consecutive sequence numbers evenly over the weights. */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return getLabel();
    }

    private record Share(int size, int weight) {
    }
}
