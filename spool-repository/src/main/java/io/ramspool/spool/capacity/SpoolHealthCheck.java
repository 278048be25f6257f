package io.ramspool.spool.capacity;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * James health check of the RAM spool, shown by webadmin's {@code /healthcheck}: healthy while
 * mail is accepted, degraded above the high watermark (the relay answers 452, or with
 * {@code overflow=disk} writes new mail to disk), unhealthy when the spool is full (and the overflow
 * too, if any) or its directory cannot be written.
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
                if (snapshot.isWritable() && guard.overflowHasRoomFor(0)) {
                    return Result.degraded(COMPONENT, "spool is full, new mail goes to the overflow directory: "
                        + usage(snapshot));
                }
                return Result.unhealthy(COMPONENT, describeFull(snapshot));
            case REFUSING:
                return Result.degraded(COMPONENT, "spool above its high watermark, " + consequence() + ": "
                    + usage(snapshot));
            default:
                return Result.healthy(COMPONENT);
        }
    }

    private String consequence() {
        if (guard.getOverflowStatus().isEmpty()) {
            return "new mail refused with 452";
        }
        return guard.overflowHasRoomFor(0) ? "new mail goes to the overflow directory"
            : "the overflow directory is full too, new mail refused with 452";
    }

    private static String usage(CapacitySnapshot snapshot) {
        return snapshot.getOccupiedBytes() + " of " + snapshot.getCapacityBytes() + " bytes, " + snapshot.getMails()
            + " mails";
    }

    private static String describeFull(CapacitySnapshot snapshot) {
        if (!snapshot.isWritable()) {
            return "spool directory is not writable";
        }
        return "spool is full: " + snapshot.getAvailableBytes() + " bytes left of " + snapshot.getCapacityBytes();
    }
}
