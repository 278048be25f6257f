package io.ramspool.distribution.faults;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import com.google.common.collect.ImmutableSet;

/**
 * What the clients of a scenario sent and what the relay answered, per recipient of each mail:
 * acknowledged (250 after the final dot), refused (a reply other than 250, or the connection gone
 * before the end of the data, so the relay cannot have taken it), or unanswered (the data was
 * sent but no reply came: the relay may or may not have it). Thread-safe.
 */
public final class FaultLedger {
    /** A recipient of one mail: the unit the fault tables count. */
    public record Pair(String token, String recipient) {
        public static Pair of(String token, String recipient) {
            return new Pair(token, recipient.toLowerCase(Locale.ROOT));
        }
    }

    /** What became of one pair at the relay's door. */
    public enum Fate {
        ACKNOWLEDGED,
        REFUSED,
        UNANSWERED
    }

    private record Entry(Fate fate, Instant at, String reply) {
    }

    private final Map<Pair, Entry> entries = new ConcurrentHashMap<>();

    public void acknowledged(String token, List<String> recipients, Instant at) {
        record(token, recipients, new Entry(Fate.ACKNOWLEDGED, at, "250"));
    }

    public void refused(String token, List<String> recipients, String reply) {
        record(token, recipients, new Entry(Fate.REFUSED, Instant.now(), reply));
    }

    public void unanswered(String token, List<String> recipients) {
        record(token, recipients, new Entry(Fate.UNANSWERED, Instant.now(), "no reply"));
    }

    private void record(String token, List<String> recipients, Entry entry) {
        recipients.forEach(recipient -> entries.put(Pair.of(token, recipient), entry));
    }

    public int sent() {
        return entries.size();
    }

    public ImmutableSet<Pair> withFate(Fate fate) {
        return select(entry -> entry.fate() == fate);
    }

    /** Pairs acknowledged strictly after {@code instant}. */
    public ImmutableSet<Pair> acknowledgedAfter(Instant instant) {
        return select(entry -> entry.fate() == Fate.ACKNOWLEDGED && entry.at().isAfter(instant));
    }

    public int count(Fate fate) {
        return withFate(fate).size();
    }

    /** The reply that refused {@code pair}, or "250"/"no reply" for the other fates. */
    public Optional<String> replyOf(Pair pair) {
        return Optional.ofNullable(entries.get(pair)).map(Entry::reply);
    }

    /** The distinct replies that refused pairs, for the notes of a scenario. */
    public ImmutableSet<String> refusalCodes() {
        return entries.values().stream()
            .filter(entry -> entry.fate() == Fate.REFUSED)
            .map(entry -> entry.reply().length() >= 3 ? entry.reply().substring(0, 3) : entry.reply())
            .collect(ImmutableSet.toImmutableSet());
    }

    private ImmutableSet<Pair> select(Predicate<Entry> filter) {
        return entries.entrySet().stream()
            .filter(entry -> filter.test(entry.getValue()))
            .map(Map.Entry::getKey)
            .collect(ImmutableSet.toImmutableSet());
    }
}
