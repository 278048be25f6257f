package io.ramspool.benchmarks.relay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.ramspool.benchmarks.relay.RelayUnderTest.DeliveryMode;

/**
 * End-to-end relay throughput: the assembled ramspool relay (edge profile) delivering with
 * {@code OneShotRemoteDelivery} and with James's stock {@code RemoteDelivery} in gateway mode,
 * to the same in-JVM sink, under the same load, interleaved in one run (odd rounds one-shot
 * first, even rounds stock first, so that drift on a shared machine hits both alike).
 *
 * <p>Each round starts a fresh relay process, sends {@code --warmup} mails and waits for them at
 * the sink, then sends {@code --messages} mails of {@code --size} bytes over {@code --sessions}
 * persistent SMTP sessions. Throughput is messages divided by the time from the first MAIL
 * command to the last mail at the sink; latency is per mail, from its MAIL command to its final
 * dot at the sink.
 *
 * <p>Options (defaults): {@code --relay-home DIR} (required: the unpacked archive, with lib/ and
 * profiles/), {@code --work-dir DIR} (benchmarks/target/relay-benchmark), {@code --messages 5000},
 * {@code --size 2048}, {@code --sessions 8}, {@code --rounds 2}, {@code --warmup 1000},
 * {@code --delivery-threads 4} (for both mailets; the one-shot mailet also gets as many
 * connections per host), {@code --relay-heap 512m}, {@code --relay-java-opts ""} (extra JVM options of the
 * relay, space separated, e.g. a flight recording), {@code --timeout-seconds 600} per round,
 * {@code --sink-greeting-delay-ms 0} (the sink waits this long before its greeting on each new
 * connection, to stand for the set-up cost of a remote server; 0 is a sink on loopback).
 */
public final class RelayThroughputHarness {
    private static final Map<String, String> DEFAULTS = Map.ofEntries(
        Map.entry("work-dir", "benchmarks/target/relay-benchmark"),
        Map.entry("messages", "5000"),
        Map.entry("size", "2048"),
        Map.entry("sessions", "8"),
        Map.entry("rounds", "2"),
        Map.entry("warmup", "1000"),
        Map.entry("delivery-threads", "4"),
        Map.entry("relay-heap", "512m"),
        Map.entry("relay-java-opts", ""),
        Map.entry("timeout-seconds", "600"),
        Map.entry("sink-greeting-delay-ms", "0"));

    private final Map<String, String> options;
    private final SinkSmtpServer sink;

    private RelayThroughputHarness(Map<String, String> options, SinkSmtpServer sink) {
        this.options = options;
        this.sink = sink;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        try (SinkSmtpServer sink = SinkSmtpServer.start(Long.parseLong(options.get("sink-greeting-delay-ms")))) {
            RelayThroughputHarness harness = new RelayThroughputHarness(options, sink);
            System.out.printf(Locale.ROOT, "Relay throughput: %s messages of %s bytes over %s sessions, %s warm-up, "
                    + "%s delivery threads, %s rounds, relay heap %s, sink 127.0.0.1:%d (greeting delay %s ms)%n",
                options.get("messages"), options.get("size"), options.get("sessions"), options.get("warmup"),
                options.get("delivery-threads"), options.get("rounds"), options.get("relay-heap"), sink.getPort(),
                options.get("sink-greeting-delay-ms"));
            List<RoundResult> results = harness.runAllRounds();
            RoundResult.printTable(results);
            RoundResult.printSummary(results);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i].replaceFirst("^--", "");
            if (i + 1 >= args.length || !(DEFAULTS.containsKey(key) || key.equals("relay-home"))) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]
                    + "; options: --relay-home and " + DEFAULTS.keySet());
            }
            options.put(key, args[i + 1]);
        }
        if (!options.containsKey("relay-home")) {
            throw new IllegalArgumentException("--relay-home DIR is required (the unpacked ramspool-relay archive)");
        }
        return options;
    }

    private List<RoundResult> runAllRounds() {
        List<RoundResult> results = new ArrayList<>();
        int rounds = integer("rounds");
        for (int round = 1; round <= rounds; round++) {
            List<DeliveryMode> order = round % 2 == 1
                ? List.of(DeliveryMode.ONE_SHOT, DeliveryMode.STOCK)
                : List.of(DeliveryMode.STOCK, DeliveryMode.ONE_SHOT);
            for (DeliveryMode mode : order) {
                RoundResult result = runRound(round, mode);
                System.out.println(result.toLine());
                results.add(result);
            }
        }
        return results;
    }

    private RoundResult runRound(int round, DeliveryMode mode) {
        Path root = Paths.get(options.get("work-dir")).toAbsolutePath()
            .resolve("round-" + round + "-" + mode.getLabel() + "-" + System.currentTimeMillis());
        Path relayHome = Paths.get(options.get("relay-home")).toAbsolutePath();
        if (!Files.isDirectory(relayHome.resolve("lib"))) {
            throw new IllegalArgumentException("no lib/ in relay home " + relayHome);
        }
        List<String> jvmOptions = new ArrayList<>(List.of("-Xms" + options.get("relay-heap"),
            "-Xmx" + options.get("relay-heap")));
        jvmOptions.addAll(Arrays.stream(options.get("relay-java-opts").split(" ")).filter(o -> !o.isBlank()).toList());
        try (RelayUnderTest relay = RelayUnderTest.prepare(relayHome, root, jvmOptions, mode, sink.getPort(),
            integer("delivery-threads"))) {
            relay.start();
            SmtpLoadClient client = new SmtpLoadClient(relay.getSmtpPort(), integer("size"));
            if (integer("warmup") > 0) {
                sendAndAwait(client, integer("warmup"), relay);
            }
            return measure(round, mode, client, relay);
        }
    }

    private RoundResult measure(int round, DeliveryMode mode, SmtpLoadClient client, RelayUnderTest relay) {
        int messages = integer("messages");
        long start = System.nanoTime();
        long accepted = sendAndAwait(client, messages, relay);
        long end = sink.getLastReceivedNanos();
        long[] latencies = new long[messages];
        for (int i = 0; i < messages; i++) {
            latencies[i] = sink.getLatencyNanos(i);
        }
        Arrays.sort(latencies);
        return new RoundResult(round, mode, messages, sink.getReceived(), end - start, accepted - start, latencies,
            sink.getConnections());
    }

    /**
     * Resets the sink, sends {@code count} mails and waits until the sink has them all; returns the
     * {@link System#nanoTime()} at which the relay had accepted (250) the last of them.
     */
    private long sendAndAwait(SmtpLoadClient client, int count, RelayUnderTest relay) {
        int batch = sink.startBatch(count);
        client.send(batch, count, integer("sessions"));
        long accepted = System.nanoTime();
        long deadline = System.nanoTime() + integer("timeout-seconds") * 1_000_000_000L;
        while (sink.getReceived() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("sink received " + sink.getReceived() + " of " + count
                    + " mails in time; relay log: " + relay.getLog());
            }
            RelayUnderTest.sleep(5);
        }
        return accepted;
    }

    private int integer(String option) {
        return Integer.parseInt(options.get(option));
    }
}
