package io.ramspool.spool.capacity;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * James health check of the RAM spool, shown by webadmin's {@code /healthcheck}: healthy while
 * mail is accepted, degraded above the high watermark (the relay answers 452), unhealthy when the
 * spool is full or its directory cannot be written.
 */
public class SpoolHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("RAM spool");

    private final CapacityGuard guard;

    @Inject
    public SpoolHealthCheck(CapacityGuard guard) {
        this.guard = guard;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::evaluate);
    }

    private Result evaluate() {
        CapacitySnapshot snapshot = guard.snapshot();
        switch (snapshot.getState()) {
            case FULL:
                return Result.unhealthy(COMPONENT, describeFull(snapshot));
            case REFUSING:
                return Result.degraded(COMPONENT, "spool above its high watermark, new mail refused with 452: "
                    + snapshot.getOccupiedBytes() + " of " + snapshot.getCapacityBytes() + " bytes, "
                    + snapshot.getMails() + " mails");
            default:
                return Result.healthy(COMPONENT);
        }
    }

    private static String describeFull(CapacitySnapshot snapshot) {
        if (!snapshot.isWritable()) {
            return "spool directory is not writable";
        }
        return "spool is full: " + snapshot.getAvailableBytes() + " bytes left of " + snapshot.getCapacityBytes();
    }
}
