package io.ramspool.distribution.faults;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;

import io.ramspool.distribution.faults.FaultLedger.Fate;
import io.ramspool.distribution.faults.FaultLedger.Pair;

/**
 * The outcome of a scenario, counted in recipients of mails (one per mail except where a
 * scenario says otherwise): what the clients sent, what the relay acknowledged, what reached a
 * delivery sink, what came back as a bounce (a DSN naming the recipient and carrying the mail),
 * what the relay refused, and what was acknowledged yet neither delivered nor bounced: lost.
 * Duplicates are the arrivals of a pair beyond its first, delivered or bounced.
 */
public record FaultCounts(String scenario, int sent, int acknowledged, int delivered, int bounced, int refused,
                          int lost, int duplicates, int unanswered, int unansweredArrived, int refusedArrived,
                          ImmutableSet<Pair> lostPairs, ImmutableSet<Pair> refusedArrivedPairs, String note) {
    private static final Pattern FINAL_RECIPIENT = Pattern.compile("(?im)^Final-Recipient:\\s*rfc822;\\s*(\\S+)");

    /**
     * Counts {@code ledger} against what the sinks received: {@code deliverySinks} stand for MX
     * hosts and gateways, {@code bounceSinks} for the senders' servers, which only get DSNs.
     */
    public static FaultCounts count(String scenario, FaultLedger ledger, List<FaultSink> deliverySinks,
                                    List<FaultSink> bounceSinks) {
        Map<Pair, Integer> arrivals = new HashMap<>();
        Set<Pair> delivered = new HashSet<>();
        Set<Pair> bounced = new HashSet<>();
        for (FaultSink sink : deliverySinks) {
            sink.getAccepted().forEach(transaction -> delivered.addAll(arrive(arrivals, deliveredPairs(transaction))));
        }
        for (FaultSink sink : bounceSinks) {
            sink.getAccepted().forEach(transaction -> bounced.addAll(arrive(arrivals, bouncedPairs(transaction))));
        }
        ImmutableSet<Pair> acknowledged = ledger.withFate(Fate.ACKNOWLEDGED);
        Set<Pair> arrived = Sets.union(delivered, bounced);
        int duplicates = arrivals.values().stream().mapToInt(count -> count - 1).sum();
        return new FaultCounts(scenario, ledger.sent(), acknowledged.size(),
            Sets.intersection(acknowledged, delivered).size(),
            Sets.intersection(acknowledged, Sets.difference(bounced, delivered)).size(),
            ledger.count(Fate.REFUSED),
            Sets.difference(acknowledged, arrived).size(),
            duplicates,
            ledger.count(Fate.UNANSWERED),
            Sets.intersection(ledger.withFate(Fate.UNANSWERED), arrived).size(),
            Sets.intersection(ledger.withFate(Fate.REFUSED), arrived).size(),
            Sets.difference(acknowledged, arrived).immutableCopy(),
            Sets.intersection(ledger.withFate(Fate.REFUSED), arrived).immutableCopy(),
            "");
    }

    private static Set<Pair> arrive(Map<Pair, Integer> arrivals, Set<Pair> pairs) {
        pairs.forEach(pair -> arrivals.merge(pair, 1, Integer::sum));
        return pairs;
    }

    private static Set<Pair> deliveredPairs(FaultSink.Transaction transaction) {
        Set<Pair> pairs = new HashSet<>();
        List<String> tokens = FaultMail.tokensIn(transaction.data());
        if (!tokens.isEmpty()) {
            transaction.recipients().forEach(recipient -> pairs.add(Pair.of(tokens.get(0), recipient)));
        }
        return pairs;
    }

    /** A DSN carries the original mail (or its headers) and one Final-Recipient line per failed recipient. */
    private static Set<Pair> bouncedPairs(FaultSink.Transaction transaction) {
        Set<Pair> pairs = new HashSet<>();
        List<String> tokens = FaultMail.tokensIn(transaction.data());
        Matcher matcher = FINAL_RECIPIENT.matcher(transaction.data());
        while (matcher.find() && !tokens.isEmpty()) {
            pairs.add(Pair.of(tokens.get(0), matcher.group(1)));
        }
        return pairs;
    }

    public FaultCounts withNote(String newNote) {
        return new FaultCounts(scenario, sent, acknowledged, delivered, bounced, refused, lost, duplicates,
            unanswered, unansweredArrived, refusedArrived, lostPairs, refusedArrivedPairs, newNote);
    }

    /** The line the suite prints: {@code scenario | sent | acknowledged | delivered | bounced | refused | lost}. */
    public String line() {
        return String.join(" | ", scenario, String.valueOf(sent), String.valueOf(acknowledged),
            String.valueOf(delivered), String.valueOf(bounced), String.valueOf(refused), String.valueOf(lost))
            + " | duplicates=" + duplicates + " unanswered=" + unanswered + " (arrived " + unansweredArrived + ")"
            + " refusedYetArrived=" + refusedArrived + (note.isEmpty() ? "" : " | " + note);
    }

    /** The row of target/fault-results.md. */
    public String markdownRow() {
        return "| " + String.join(" | ", scenario, String.valueOf(sent), String.valueOf(acknowledged),
            String.valueOf(delivered), String.valueOf(bounced), String.valueOf(refused), String.valueOf(lost),
            String.valueOf(duplicates), unanswered + " (" + unansweredArrived + " arrived)", note) + " |";
    }
}
