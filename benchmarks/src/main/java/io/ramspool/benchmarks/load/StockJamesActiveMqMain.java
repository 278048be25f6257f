package io.ramspool.benchmarks.load;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.server.JMXServerModule;

/**
 * Stock James 3.8.1 as {@code MemoryJamesServerMain} starts it, with every mail queue moved to
 * ActiveMQ/KahaDB ({@link ActiveMqQueueModule}). Reads {@code -Dworking.directory} and
 * {@code conf/jvm.properties} from the current directory, like the memory app.
 */
public final class StockJamesActiveMqMain {
    private StockJamesActiveMqMain() {
    }

    public static void main(String[] args) throws Exception {
        ExtraProperties.initialize();
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty()
            .build();
        GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration)
            .combineWith(new FakeSearchMailboxModule(), new JMXServerModule())
            .overrideWith(new ActiveMqQueueModule());
        JamesServerMain.main(server);
    }
}
