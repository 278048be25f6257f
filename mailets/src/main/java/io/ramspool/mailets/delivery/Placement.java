package io.ramspool.mailets.delivery;

import java.util.Map;

import org.apache.james.core.MailAddress;

import com.google.common.base.Joiner;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableMultiset;
import com.google.common.collect.ImmutableSet;

/**
 * Where the recipients of one dequeued mail went, and which could not be placed at all (those must stay in the
 * queue). Immutable.
 */
public final class Placement {
    private final ImmutableMap<MailAddress, Outcome> outcomes;
    private final ImmutableSet<String> acceptingHosts;
    private final ImmutableList<MailAddress> unplaced;

    Placement(Map<MailAddress, Outcome> outcomes, ImmutableSet<String> acceptingHosts,
              ImmutableList<MailAddress> unplaced) {
        this.outcomes = ImmutableMap.copyOf(outcomes);
        this.acceptingHosts = acceptingHosts;
        this.unplaced = unplaced;
    }

    public ImmutableMap<MailAddress, Outcome> getOutcomes() {
        return outcomes;
    }

    /** Recipients whose bounce, error or re-queue copy could not be stored: the queue item must keep them. */
    public ImmutableList<MailAddress> getUnplaced() {
        return unplaced;
    }

    public int count(Outcome outcome) {
        return ImmutableMultiset.copyOf(outcomes.values()).count(outcome);
    }

    /** The single outcome of every recipient, or "mixed". */
    public String summary() {
        ImmutableSet<Outcome> distinct = ImmutableSet.copyOf(outcomes.values());
        if (distinct.size() == 1) {
            return distinct.iterator().next().asLabel();
        }
        return distinct.isEmpty() ? "none" : "mixed";
    }

    /** The hosts that accepted at least one recipient, or "-". */
    public String hosts() {
        return acceptingHosts.isEmpty() ? "-" : Joiner.on(',').join(acceptingHosts);
    }
}
