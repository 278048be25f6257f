package io.ramspool.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;

import io.ramspool.spool.capacity.CapacityGuard;
import io.ramspool.spool.capacity.SpoolHealthCheck;
import io.ramspool.spool.testing.RamDiskDirectory;

/** The Guice module binds every queue key James uses to one factory on the configured store. */
class RamSpoolQueueModuleTest {
    @TempDir
    Path workingDirectory;
    private RamDiskDirectory spool;

    @BeforeEach
    void setUp() throws Exception {
        spool = RamDiskDirectory.create("module");
        Files.createDirectories(workingDirectory.resolve("conf"));
    }

    @AfterEach
    void tearDown() {
        SpoolStores.close(spool.getPath());
        spool.delete();
    }

    private Injector injector() {
        Configuration configuration = Configuration.builder()
            .workingDirectory(workingDirectory.toFile())
            .configurationPath(new Configuration.ConfigurationPath("file://conf/"))
            .build();
        PropertiesProvider properties = new PropertiesProvider(new FileSystemImpl(configuration.directories()),
            configuration.configurationPath());
        return Guice.createInjector(new RamSpoolQueueModule(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(PropertiesProvider.class).toInstance(properties);
                bind(MailQueueItemDecoratorFactory.class).to(RawMailQueueItemDecoratorFactory.class);
                bind(Clock.class).toInstance(Clock.systemUTC());
                bind(GaugeRegistry.class).to(NoopGaugeRegistry.class);
            }
        });
    }

    private void writeProperties(String content) throws Exception {
        Files.writeString(workingDirectory.resolve("conf/ramspool.properties"), content);
    }

    @Test
    void everyQueueFactoryKeyShouldResolveToTheSameSpoolFactory() throws Exception {
        writeProperties("directory=" + spool.getPath() + "\nmaxSize=64M\n");
        Injector injector = injector();

        Object any = injector.getInstance(Key.get(new TypeLiteral<MailQueueFactory<?>>() { }));
        Object manageable = injector.getInstance(
            Key.get(new TypeLiteral<MailQueueFactory<? extends ManageableMailQueue>>() { }));
        Object plain = injector.getInstance(Key.get(new TypeLiteral<MailQueueFactory<? extends MailQueue>>() { }));

        assertThat(any).isInstanceOf(RamSpoolMailQueueFactory.class).isSameAs(manageable).isSameAs(plain);
        RamSpoolMailQueueFactory factory = (RamSpoolMailQueueFactory) any;
        assertThat(factory.getStore().getRoot()).isEqualTo(spool.getPath());
        assertThat(factory.getStore().getOptions().getMaxBytes()).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void moduleShouldBindOneCapacityGuardAndTheSpoolHealthCheck() throws Exception {
        writeProperties("directory=" + spool.getPath() + "\nhighWatermark=70%\nlowWatermark=50%\n");
        Injector injector = injector();

        CapacityGuard guard = injector.getInstance(CapacityGuard.class);
        Set<HealthCheck> healthChecks = injector.getInstance(Key.get(new TypeLiteral<Set<HealthCheck>>() { }));

        assertThat(guard).isSameAs(injector.getInstance(CapacityGuard.class));
        assertThat(guard.getPolicy().getHigh().resolve(1000)).isEqualTo(700);
        assertThat(healthChecks).hasOnlyElementsOfType(SpoolHealthCheck.class).hasSize(1);
        assertThat(guard.getStatus().getDirectory()).isEqualTo(spool.getPath());
    }

    @Test
    void unknownSettingShouldFailStartupNamingTheKey() throws Exception {
        writeProperties("directory=" + spool.getPath() + "\nmaxSzie=64M\n");

        assertThatThrownBy(() -> injector().getInstance(RamSpoolMailQueueFactory.class))
            .isInstanceOfAny(ProvisionException.class, CreationException.class)
            .hasMessageContaining("maxSzie");
    }

    @Test
    void badDurabilityShouldFailStartupNamingTheValue() throws Exception {
        writeProperties("directory=" + spool.getPath() + "\ndurability=sometimes\n");

        assertThatThrownBy(() -> injector().getInstance(RamSpoolMailQueueFactory.class))
            .hasMessageContaining("sometimes")
            .hasMessageContaining("ramdisk, durable");
    }
}
