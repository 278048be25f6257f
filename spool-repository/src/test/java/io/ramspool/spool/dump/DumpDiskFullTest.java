package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.dump.DumpException;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.SmallTmpfs;
import io.ramspool.spool.testing.TestMails;

/** A dump that runs out of disk space publishes nothing and leaves the previous dump usable. */
class DumpDiskFullTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");

    private RamDiskDirectory ramDisk;
    private StoreOptions options;
    private SmallTmpfs dumpDisk;

    @BeforeEach
    void setUp() throws Exception {
        Optional<SmallTmpfs> mounted = SmallTmpfs.tryMount("2m");
        Assumptions.assumeTrue(mounted.isPresent(), "needs root and permission to mount a tmpfs");
        dumpDisk = mounted.get();
        ramDisk = RamDiskDirectory.create("dump-disk-full");
        options = StoreOptions.ramDisk(ramDisk.getPath());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dumpDisk != null) {
            dumpDisk.close();
            ramDisk.delete();
        }
    }

    @Test
    void dumpThatFillsTheDiskShouldFailAndLeaveThePreviousDumpUsable() throws Exception {
        Path dumpDir = dumpDisk.getMountPoint().resolve("dump");
        enqueue("small", 10, 10_000);
        DumpReport first = SpoolDumps.dump(options, dumpDir);
        enqueue("large", 3, 1024 * 1024);

        assertThatThrownBy(() -> SpoolDumps.dump(options, dumpDir))
            .isInstanceOf(DumpException.class)
            .hasMessageContaining("the dump file system is full")
            .hasMessageContaining("previous dump " + first.getDump() + " is untouched");

        assertThat(SpoolDumps.findCurrent(dumpDir)).contains(first.getDump());
        try (Stream<Path> children = Files.list(dumpDir)) {
            assertThat(children.map(path -> path.getFileName().toString()))
                .noneMatch(name -> name.endsWith(".partial"));
        }
        assertThat(SpoolDumps.verify(first.getDump(), ProgressListener.NONE).isIntact()).isTrue();
        ramDisk.delete();
        ReloadReport reload = SpoolDumps.reloadIfEmpty(options, dumpDir);
        assertThat(reload.getImported()).isEqualTo(10);
        assertThat(reload.hasProblems()).isFalse();
    }

    private void enqueue(String prefix, int count, int bodyBytes) throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
                .createQueue(SPOOL);
            for (int i = 0; i < count; i++) {
                queue.enQueue(TestMails.mail(prefix + "-" + i, bodyBytes));
            }
        }
    }
}
