package io.ramspool.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.ChildJvm;
import io.ramspool.spool.testing.EnqueueUntilKilled;
import io.ramspool.spool.testing.RamDiskDirectory;

/**
 * Kills a JVM with SIGKILL while four threads enqueue 64 KiB mails, then opens the spool in a
 * new JVM: every mail whose {@code enQueue} returned must be there, whole, and nothing
 * half-written may be.
 */
class RamSpoolCrashIntegrationTest {
    private static final int BODY_BYTES = 64 * 1024;
    private static final int THREADS = 4;
    private static final int ROUNDS = 3;
    private static final String ACK = "ACK ";

    @TempDir
    Path logs;
    private RamDiskDirectory directory;

    @BeforeEach
    void setUp() {
        directory = RamDiskDirectory.create("crash");
    }

    @AfterEach
    void tearDown() {
        directory.delete();
    }

    @Test
    void everyAcknowledgedMailShouldSurviveSigkillOfTheEnqueuingJvm() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        for (int round = 1; round <= ROUNDS; round++) {
            acknowledged.addAll(enqueueAndKill("round" + round + "-", 200 + ThreadLocalRandom.current().nextInt(800)));

            try (SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()))) {
                List<String> spooled = browseNames(store);

                assertThat(store.getRecoveryReport().getQuarantined()).isZero();
                assertThat(spooled).doesNotHaveDuplicates().containsAll(acknowledged);
                assertThat(spooled.size()).isLessThanOrEqualTo(acknowledged.size() + THREADS);
                assertNoTemporaryFiles();
                acknowledged.addAll(spooled);
            }
        }
    }

    private Set<String> enqueueAndKill(String prefix, int acknowledgementsBeforeKill) throws Exception {
        Set<String> acknowledged = new HashSet<>();
        try (ChildJvm child = ChildJvm.start(EnqueueUntilKilled.class, List.of("-Xmx256m"),
                logs.resolve(prefix + "stderr.log"), directory.getPath().toString(), String.valueOf(BODY_BYTES),
                String.valueOf(THREADS), prefix)) {
            while (acknowledged.size() < acknowledgementsBeforeKill) {
                Optional<String> line = child.readLine();
                assertThat(line).as("child output, see %s", child.getErrorLog()).isPresent();
                collectAcknowledgement(line.get(), acknowledged);
            }
            child.kill();
            // Acknowledgements printed before the kill may still sit in the pipe: they count too.
            for (Optional<String> line = child.readLine(); line.isPresent(); line = child.readLine()) {
                collectAcknowledgement(line.get(), acknowledged);
            }
        }
        return acknowledged;
    }

    private static void collectAcknowledgement(String line, Set<String> acknowledged) {
        if (line.startsWith(ACK)) {
            acknowledged.add(line.substring(ACK.length()));
        }
    }

    private static List<String> browseNames(SpoolStore store) throws Exception {
        ManageableMailQueue queue = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory())
            .createQueue(MailQueueName.of("spool"));
        List<String> names = new ArrayList<>();
        ManageableMailQueue.MailQueueIterator iterator = queue.browse();
        while (iterator.hasNext()) {
            ManageableMailQueue.MailQueueItemView view = iterator.next();
            String name = view.getMail().getName();
            assertThat(view.getMail().getMessage().getSubject()).isEqualTo("spool test " + name);
            assertThat(view.getMail().getMessageSize()).isGreaterThan(BODY_BYTES);
            names.add(name);
        }
        queue.close();
        return names;
    }

    private void assertNoTemporaryFiles() throws Exception {
        try (var files = Files.walk(directory.getPath())) {
            assertThat(files.map(path -> path.getFileName().toString()))
                .noneMatch(name -> name.startsWith(".tmp-"));
        }
    }
}
