package io.ramspool.benchmarks.load;

import java.nio.file.Path;

import io.ramspool.benchmarks.relay.RelayUnderTest;
import io.ramspool.benchmarks.relay.RelayUnderTest.DeliveryMode;

/** The ramspool edge relay with OneShotRemoteDelivery routed to the sink (see {@link RelayUnderTest}). */
final class RamspoolTarget implements LoadTarget {
    private final RelayUnderTest relay;
    private final Path root;

    RamspoolTarget(TargetContext context, Path root) {
        this.relay = RelayUnderTest.prepare(context.relayHome(), root, context.ramspoolOptions(), DeliveryMode.ONE_SHOT,
            context.sinkPort(), context.deliveryThreads());
        this.root = root;
    }

    @Override
    public void start() {
        relay.start();
    }

    @Override
    public int getSmtpPort() {
        return relay.getSmtpPort();
    }

    @Override
    public long getPid() {
        return relay.getPid();
    }

    @Override
    public Path getDirectory() {
        return root;
    }

    @Override
    public void close() {
        relay.close();
    }
}
