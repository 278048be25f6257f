package io.ramspool.benchmarks.load;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The options of {@link LoadBenchmark}: {@code --name value} pairs over defaults, and the flag
 * {@code --quick}, which swaps in smaller defaults for a smoke run (options given explicitly
 * still win). Immutable.
 */
public final class LoadOptions {
    static final String RELAY_HOME = "relay-home";
    private static final String QUICK = "--quick";
    private static final Map<String, String> DEFAULTS = defaults();
    private static final Map<String, String> QUICK_DEFAULTS = Map.ofEntries(
        Map.entry("messages", "1000"),
        Map.entry("rounds", "1"),
        Map.entry("warmup", "200"),
        Map.entry("harness-warmup", "2000"),
        Map.entry("concurrency-curve", "1,8"),
        Map.entry("size-curve", "1k,256k"),
        Map.entry("curve-messages", "500"),
        Map.entry("curve-bytes", "32m"),
        Map.entry("reload-sizes", "1000,5000"),
        Map.entry("reload-repeats", "1"),
        Map.entry("quiet-seconds", "20"));

    private final Map<String, String> values;
    private final boolean quick;

    private LoadOptions(Map<String, String> values, boolean quick) {
        this.values = Map.copyOf(values);
        this.quick = quick;
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(RELAY_HOME, "");
        defaults.put("work-dir", "benchmarks/target/load-benchmark");
        defaults.put("messages", "10000");
        defaults.put("sessions", "8");
        defaults.put("size-mix", "2k");
        defaults.put("rounds", "2");
        defaults.put("warmup", "1000");
        defaults.put("harness-warmup", "50000");
        defaults.put("targets", "ramspool,stock-memory,stock-activemq,postfix-tmpfs,postfix-disk");
        defaults.put("phases", "comparison,curves,reload,profile");
        defaults.put("delivery-threads", "8");
        defaults.put("heap", "1g");
        defaults.put("ramspool-jit", "auto");
        defaults.put("timeout-seconds", "900");
        defaults.put("quiet-seconds", "60");
        defaults.put("concurrency-curve", "1,2,4,8,16");
        defaults.put("size-curve", "1k,4k,16k,64k,256k,1m");
        defaults.put("curve-targets", "ramspool,stock-memory");
        defaults.put("curve-messages", "4000");
        defaults.put("curve-bytes", "256m");
        defaults.put("reload-sizes", "1000,5000,10000,25000,50000");
        defaults.put("reload-repeats", "2");
        defaults.put("sink-greeting-delay-ms", "0");
        defaults.put("commit", "unknown");
        return defaults;
    }

    /**
     * @throws IllegalArgumentException for an unknown option, a missing value or a missing
     *     {@code --relay-home}, with the list of known options
     */
    public static LoadOptions parse(String... args) {
        List<String> arguments = Arrays.asList(args);
        boolean quick = arguments.contains(QUICK);
        Map<String, String> values = new HashMap<>(DEFAULTS);
        if (quick) {
            values.putAll(QUICK_DEFAULTS);
        }
        List<String> pairs = arguments.stream().filter(argument -> !argument.equals(QUICK)).toList();
        for (int i = 0; i < pairs.size(); i += 2) {
            String key = pairs.get(i).replaceFirst("^--", "");
            if (!pairs.get(i).startsWith("--") || !DEFAULTS.containsKey(key) || i + 1 >= pairs.size()) {
                throw new IllegalArgumentException("unknown option or missing value: " + pairs.get(i)
                    + "; options: --quick and --" + String.join(" --", DEFAULTS.keySet()));
            }
            values.put(key, pairs.get(i + 1));
        }
        if (values.get(RELAY_HOME).isBlank()) {
            throw new IllegalArgumentException("--relay-home DIR is required (the unpacked ramspool-relay archive)");
        }
        return new LoadOptions(values, quick);
    }

    public boolean isQuick() {
        return quick;
    }

    public String get(String option) {
        String value = values.get(option);
        if (value == null) {
            throw new IllegalArgumentException("unknown option " + option);
        }
        return value;
    }

    public int getInt(String option) {
        try {
            return Integer.parseInt(get(option).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " must be a whole number, got '" + get(option) + "'", e);
        }
    }

    public Path getPath(String option) {
        return Paths.get(get(option)).toAbsolutePath().normalize();
    }

    /** A comma-separated option as a list, blanks dropped; empty for an empty value. */
    public List<String> getList(String option) {
        return Arrays.stream(get(option).split(","))
            .map(String::trim)
            .filter(item -> !item.isEmpty())
            .toList();
    }

    public List<Integer> getIntList(String option) {
        return getList(option).stream().map(Integer::parseInt).toList();
    }

    public boolean hasPhase(String phase) {
        return getList("phases").contains(phase);
    }

    /** The options as {@code --key value} text, in a fixed order, for the report. */
    public String describe() {
        return DEFAULTS.keySet().stream()
            .map(key -> "--" + key + " " + values.get(key))
            .collect(Collectors.joining(" "));
    }
}
