package io.ramspool.benchmarks.load;

import java.nio.file.Path;
import java.util.Optional;

/** Creates a fresh target of a kind for one round, and says which kinds cannot run here. */
final class TargetFactory {
    private final TargetContext context;

    TargetFactory(TargetContext context) {
        this.context = context;
    }

    /** Why {@code kind} cannot run on this machine, if it cannot. */
    Optional<String> unavailableReason(TargetKind kind) {
        return switch (kind) {
            case POSTFIX_TMPFS, POSTFIX_DISK -> PostfixTarget.unavailableReason();
            default -> Optional.empty();
        };
    }

    /** A prepared, not yet started target in {@code root}. */
    LoadTarget create(TargetKind kind, Path root) {
        return switch (kind) {
            case RAMSPOOL -> new RamspoolTarget(context, root);
            case STOCK_MEMORY -> new StockJamesTarget(context, root, StockJamesTarget.Queue.MEMORY);
            case STOCK_ACTIVEMQ -> new StockJamesTarget(context, root, StockJamesTarget.Queue.ACTIVEMQ);
            case POSTFIX_TMPFS -> new PostfixTarget(root, true, context.sinkPort());
            case POSTFIX_DISK -> new PostfixTarget(root, false, context.sinkPort());
        };
    }
}
