package io.ramspool.spool.dump;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * Binds {@link DumpConfiguration} from {@code ramspool-dump.properties} and
 * {@link SpoolDumpService}. Needs {@code SpoolConfiguration}, which {@code RamSpoolQueueModule}
 * provides.
 */
public class SpoolDumpModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolDumpModule.class);

    @Override
    protected void configure() {
        bind(SpoolDumpService.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    DumpConfiguration provideDumpConfiguration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            return DumpConfiguration.from(propertiesProvider.getConfiguration(DumpConfiguration.CONFIGURATION_FILE));
        } catch (FileNotFoundException e) {
            LOGGER.info("No {}.properties found, spool dump and reload are off", DumpConfiguration.CONFIGURATION_FILE);
            return DumpConfiguration.disabled();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("bad " + DumpConfiguration.CONFIGURATION_FILE + ".properties: "
                + e.getMessage(), e);
        }
    }
}
