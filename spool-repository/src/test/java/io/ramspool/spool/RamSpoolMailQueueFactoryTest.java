package io.ramspool.spool;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueFactoryContract;
import org.apache.james.queue.api.ManageableMailQueueFactoryContract;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;

class RamSpoolMailQueueFactoryTest implements MailQueueFactoryContract<RamSpoolMailQueue>,
    ManageableMailQueueFactoryContract<RamSpoolMailQueue> {

    private RamDiskDirectory directory;
    private SpoolStore store;
    private RamSpoolMailQueueFactory testee;

    @BeforeEach
    void setUp() throws Exception {
        directory = RamDiskDirectory.create("factory");
        store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
        testee = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory());
    }

    @AfterEach
    void tearDown() throws Exception {
        testee.stop();
        store.close();
        directory.delete();
    }

    @Override
    public MailQueueFactory<RamSpoolMailQueue> getMailQueueFactory() {
        return testee;
    }
}
