package io.ramspool.spool;

import org.apache.james.queue.api.DelayedManageableMailQueueContract;
import org.apache.james.queue.api.DelayedPriorityMailQueueContract;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.PriorityManageableMailQueueContract;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;

/** James's own queue contracts, run against a queue on a real RAM disk directory. */
class RamSpoolMailQueueTest implements DelayedManageableMailQueueContract, DelayedPriorityMailQueueContract,
    PriorityManageableMailQueueContract {

    private RamDiskDirectory directory;
    private SpoolStore store;
    private RamSpoolMailQueueFactory factory;
    private RamSpoolMailQueue testee;

    @BeforeEach
    void setUp() throws Exception {
        directory = RamDiskDirectory.create("queue");
        store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
        factory = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory());
        testee = factory.createQueue(MailQueueName.of("spool"));
    }

    @AfterEach
    void tearDown() throws Exception {
        factory.stop();
        store.close();
        directory.delete();
    }

    @Override
    public MailQueue getMailQueue() {
        return testee;
    }

    @Override
    public ManageableMailQueue getManageableMailQueue() {
        return testee;
    }
}
