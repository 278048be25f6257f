package io.ramspool.spool;

import org.apache.james.mailrepository.MailRepositoryContract;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.api.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;

/** James's repository contract, run against repositories on a real RAM disk directory. */
class RamDiskMailRepositoryTest implements MailRepositoryContract {
    private static final Protocol PROTOCOL = new Protocol("ramdisk");

    private RamDiskDirectory directory;
    private SpoolStore store;

    @BeforeEach
    void setUp() throws Exception {
        directory = RamDiskDirectory.create("repository");
        store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        directory.delete();
    }

    @Override
    public MailRepository retrieveRepository() {
        return retrieveRepository(MailRepositoryPath.from("var/mail/error"));
    }

    @Override
    public MailRepository retrieveRepository(MailRepositoryPath path) {
        return new RamDiskMailRepository(MailRepositoryUrl.fromPathAndProtocol(PROTOCOL, path), store);
    }
}
