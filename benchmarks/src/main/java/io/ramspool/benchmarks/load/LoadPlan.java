package io.ramspool.benchmarks.load;

/**
 * What one round sends: {@code warmup} mails first (waited for, not measured), then
 * {@code messages} mails over {@code sessions} parallel SMTP sessions, sizes from {@code sizeMix}.
 */
public record LoadPlan(int messages, int sessions, SizeMix sizeMix, int warmup) {
    public LoadPlan {
        if (messages <= 0 || sessions <= 0 || warmup < 0) {
            throw new IllegalArgumentException("messages and sessions must be positive and warmup not negative, got "
                + messages + ", " + sessions + ", " + warmup);
        }
    }
}
