package io.ramspool.benchmarks.load;

import javax.jms.ConnectionFactory;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.queue.activemq.ActiveMQConfiguration;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorImpl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Every James mail queue on ActiveMQ: an embedded broker persisting to KahaDB under the working
 * directory ({@code var/store/activemq}, on disk) and James's {@code ActiveMQMailQueueFactory}
 * over it. James publishes the Guice module that does this ({@code queue-activemq-guice}) but
 * not for 3.8.1 on Maven Central, hence this one, for the benchmark only.
 *
 * <p>It must replace the memory queue with {@code overrideWith}: the memory module binds the same
 * three factory keys (SMTP intake, spooler and RemoteDelivery use {@code MailQueueFactory<?>},
 * webadmin the manageable one). The broker and the queues keep ActiveMQ's defaults (journal
 * synced to disk on every commit, mail bodies as blob files) and James's defaults (queue
 * statistics collected, as when no {@code activemq.properties} exists), as a stock install has them.
 */
public final class ActiveMqQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(PersistenceAdapter.class).to(KahaDBPersistenceAdapter.class);
        bind(KahaDBPersistenceAdapter.class).in(Scopes.SINGLETON);
        bind(EmbeddedActiveMQ.class).in(Scopes.SINGLETON);
        bind(ActiveMQMailQueueFactory.class).in(Scopes.SINGLETON);
        bind(ActiveMQConfiguration.class).toInstance(ActiveMQConfiguration.getDefault());
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorImpl.class);
        bind(ActiveMQMetricCollectorImpl.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    ConnectionFactory brokerConnections(EmbeddedActiveMQ broker) {
        return broker.getConnectionFactory();
    }

    /** Every queue key hands out the one factory, so each queue name has exactly one queue. */
    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableQueues(ActiveMQMailQueueFactory factory) {
        factory.init();
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> queues(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> typedQueues(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }

    @ProvidesIntoSet
    InitializationOperation startQueueStatistics(ActiveMQMetricCollector collector) {
        return InitilizationOperationBuilder.forClass(ActiveMQMetricCollector.class).init(collector::start);
    }
}
