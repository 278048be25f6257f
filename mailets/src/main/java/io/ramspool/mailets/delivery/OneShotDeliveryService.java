package io.ramspool.mailets.delivery;

import java.net.UnknownHostException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Wires the delivery parts for one mailet instance and owns their life cycle: connection pool, idle-connection
 * reaper and delivery threads. Not thread-safe for {@link #start()} and {@link #close()}, which the mailet container
 * calls once each.
 */
public final class OneShotDeliveryService implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(OneShotDeliveryService.class);

    private final SmtpConnectionPool pool;
    private final DeliveryWorker worker;
    private final MailPlacer placer;
    private final DeliveryConfiguration configuration;
    private Scheduler reaperScheduler;
    private Disposable reaper;

    private OneShotDeliveryService(SmtpConnectionPool pool, DeliveryWorker worker, MailPlacer placer,
                                   DeliveryConfiguration configuration) {
        this.pool = pool;
        this.worker = worker;
        this.placer = placer;
        this.configuration = configuration;
    }

    /**
     * Builds the service; nothing runs before {@link #start()}.
     *
     * @throws MessagingException when a fallback gateway is this relay itself
     */
    public static OneShotDeliveryService create(DeliveryConfiguration configuration, DNSService dnsService,
                                                MetricFactory metricFactory, MailQueue queue,
                                                MailetContext mailetContext, Clock clock) throws MessagingException {
        LoopGuard loopGuard = new LoopGuard(ownNames(configuration, dnsService), configuration.getLocalSmtpPorts());
        checkFallbacksAreNotSelf(configuration, loopGuard);
        SmtpConnectionPool pool = new SmtpConnectionPool(SmtpClient.sessionProperties(configuration),
            configuration.getMaxConnectionsPerHost(), configuration.getConnectionIdleTime(), clock);
        RouteResolver resolver = new RouteResolver(dnsService, configuration.getRoutes(), configuration.getMxPort());
        MailDeliverer deliverer = new MailDeliverer(resolver, new SmtpClient(pool), loopGuard,
            configuration.getFallbackGateways(), configuration.getMaxHops());
        MailPlacer placer = new MailPlacer(mailetContext, queue, configuration, clock);
        DeliveryWorker worker = new DeliveryWorker(queue, deliverer, placer, new DeliveryMetrics(metricFactory),
            configuration.getDeliveryThreads());
        return new OneShotDeliveryService(pool, worker, placer, configuration);
    }

    public void start() {
        reaperScheduler = Schedulers.newSingle("oneshot-connection-reaper");
        long periodMillis = Math.max(1, configuration.getConnectionIdleTime().toMillis() / 2);
        reaper = reaperScheduler.schedulePeriodically(pool::closeIdle, periodMillis, periodMillis,
            TimeUnit.MILLISECONDS);
        worker.start();
    }

    public MailPlacer getPlacer() {
        return placer;
    }

    /** Connections opened since start; with reuse this stays far below the number of mails. */
    public long getOpenedConnections() {
        return pool.getOpenedConnections();
    }

    @Override
    public void close() {
        worker.close();
        if (reaper != null) {
            reaper.dispose();
            reaperScheduler.dispose();
        }
        pool.close();
    }

    private static ImmutableSet<String> ownNames(DeliveryConfiguration configuration, DNSService dnsService) {
        ImmutableSet.Builder<String> names = ImmutableSet.builder();
        configuration.getHelloName().ifPresent(names::add);
        try {
            names.add(dnsService.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            LOGGER.warn("Local host name unknown; loop detection relies on helloName and local addresses", e);
        }
        return names.build();
    }

    private static void checkFallbacksAreNotSelf(DeliveryConfiguration configuration, LoopGuard loopGuard)
        throws MessagingException {
        for (SmtpHost gateway : configuration.getFallbackGateways()) {
            if (loopGuard.isSelf(gateway)) {
                throw new MessagingException("Invalid value '" + gateway + "' in init parameter '"
                    + DeliveryConfiguration.FALLBACK_GATEWAYS + "': it is this relay itself (name and port "
                    + configuration.getLocalSmtpPorts() + ")");
            }
        }
    }
}
