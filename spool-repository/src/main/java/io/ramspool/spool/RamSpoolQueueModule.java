package io.ramspool.spool;

import java.io.FileNotFoundException;
import java.time.Clock;
import java.util.Optional;

import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;

import io.ramspool.spool.capacity.CapacityGuard;
import io.ramspool.spool.capacity.SpoolHealthCheck;
import io.ramspool.spool.capacity.SpoolMetrics;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.overflow.OverflowSpool;

/**
 * Guice bindings that put every James mail queue on the RAM spool. They replace the three
 * bindings of James's memory queue module, so a server main must install this module with
 * {@code Modules.override(...).with(new RamSpoolQueueModule())}; {@code combineWith} fails
 * with duplicate bindings.
 *
 * <p>Also binds the spool's status, the {@link CapacityGuard} that the SMTP capacity hook and the
 * {@link SpoolHealthCheck} share, and the spool's gauges ({@link SpoolMetrics}). With
 * {@code overflow=disk}, it also opens the overflow directory and gives it to the intake queue.
 *
 * <p>Settings come from {@code ramspool.properties} in James's configuration directory (see
 * {@link SpoolConfiguration}); without that file the defaults apply and a line says so.
 */
public class RamSpoolQueueModule extends AbstractModule {
    public static final String CONFIGURATION_FILE = "ramspool";
    private static final Logger LOGGER = LoggerFactory.getLogger(RamSpoolQueueModule.class);

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(SpoolHealthCheck.class);
        bind(SpoolMetrics.class).asEagerSingleton();
        bind(new TypeLiteral<MailQueueFactory<?>>() { }).to(RamSpoolMailQueueFactory.class);
        bind(new TypeLiteral<MailQueueFactory<? extends ManageableMailQueue>>() { })
            .to(RamSpoolMailQueueFactory.class);
        bind(new TypeLiteral<MailQueueFactory<? extends MailQueue>>() { }).to(RamSpoolMailQueueFactory.class);
    }

    @Provides
    @Singleton
    SpoolConfiguration provideConfiguration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            Configuration configuration = propertiesProvider.getConfiguration(CONFIGURATION_FILE);
            return SpoolConfiguration.from(configuration);
        } catch (FileNotFoundException e) {
            SpoolConfiguration defaults = SpoolConfiguration.defaults();
            LOGGER.info("No {}.properties found, using spool defaults {}", CONFIGURATION_FILE, defaults);
            return defaults;
        }
    }

    @Provides
    @Singleton
    SpoolStore provideStore(SpoolConfiguration configuration) throws StoreException {
        return SpoolStores.open(configuration.toStoreOptions());
    }

    @Provides
    @Singleton
    RamSpoolMailQueueFactory provideFactory(SpoolStore store, MailQueueItemDecoratorFactory decoratorFactory,
                                            Clock clock, SpoolStatus status, SpoolConfiguration configuration,
                                            CapacityGuard guard) throws StoreException {
        IntakeReserve reserve = new IntakeReserve(status, configuration.getIntakeReserve());
        Optional<OverflowSpool> overflow = Optional.empty();
        Optional<SpoolStore> overflowStore = openOverflowStore(configuration);
        if (overflowStore.isPresent()) {
            overflow = Optional.of(OverflowSpool.open(AreaId.queue(RamSpoolMailQueueFactory.SPOOL.asString()),
                overflowStore.get(), store, guard, Optional.of(reserve)));
        }
        return new RamSpoolMailQueueFactory(store, decoratorFactory, clock, Optional.of(reserve), overflow);
    }

    /** The durable store of {@code overflowDirectory}, when {@code overflow=disk}; shared through SpoolStores. */
    private static Optional<SpoolStore> openOverflowStore(SpoolConfiguration configuration) throws StoreException {
        Optional<StoreOptions> options = configuration.getOverflow().toStoreOptions();
        if (options.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SpoolStores.open(options.get()));
    }

    @Provides
    @Singleton
    SpoolStatus provideStatus(SpoolStore store) {
        return new StoreSpoolStatus(store);
    }

    @Provides
    @Singleton
    CapacityGuard provideCapacityGuard(SpoolStatus status, SpoolConfiguration configuration) throws StoreException {
        Optional<SpoolStatus> overflow = openOverflowStore(configuration).map(StoreSpoolStatus::new);
        return new CapacityGuard(status, configuration.getCapacityPolicy(), overflow);
    }
}
