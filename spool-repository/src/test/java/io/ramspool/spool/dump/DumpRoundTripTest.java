package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ramspool.spool.RamDiskMailRepository;
import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;
import reactor.core.publisher.Flux;

/**
 * Stop, dump, wipe the RAM disk, reload, start: every mail is back exactly once, with its delay,
 * state, attributes, envelope and bytes, and can be dequeued.
 */
@Tag("slow")
class DumpRoundTripTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final MailQueueName OUTGOING = MailQueueName.of("outgoing");
    private static final MailRepositoryUrl ERRORS = MailRepositoryUrl.from("ramdisk://var/mail/error/");
    private static final int MAILS = 10_000;
    private static final int LARGE_BODY = 3 * 1024 * 1024;
    private static final AttributeName RETRIES = AttributeName.of("retries");

    @TempDir
    Path dumpDir;

    private RamDiskDirectory ramDisk;
    private StoreOptions options;
    private final Map<String, Expected> expected = new HashMap<>();

    private record Expected(String area, Optional<ZonedDateTime> nextDelivery, String state, boolean nullSender,
                            int retries, String bodyDigest) {
    }

    @BeforeEach
    void setUp() {
        ramDisk = RamDiskDirectory.create("dump-round-trip");
        options = StoreOptions.ramDisk(ramDisk.getPath());
    }

    @AfterEach
    void tearDown() {
        ramDisk.delete();
    }

    @Test
    void reloadAfterWipeShouldBringBackEveryMailExactlyOnce() throws Exception {
        fillSpool();
        DumpReport dump = SpoolDumps.dump(options, dumpDir);
        ramDisk.delete();

        ReloadReport reload = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(dump.getEntries()).isEqualTo(MAILS);
        assertThat(reload.getOutcome()).isEqualTo(ReloadReport.Outcome.RELOADED);
        assertThat(reload.getImported()).isEqualTo(MAILS);
        assertThat(reload.hasProblems()).isFalse();
        assertThat(reload.getRetiredAs()).isPresent();
        assertEveryMailIsBackOnceAndDeliverable();
    }

    @Test
    void reloadShouldNotReplayTheDumpOverASpoolThatStillHoldsMail() throws Exception {
        fillSpool();
        SpoolDumps.dump(options, dumpDir);

        ReloadReport reload = SpoolDumps.reloadIfEmpty(options, dumpDir);

        assertThat(reload.getOutcome()).isEqualTo(ReloadReport.Outcome.STORE_NOT_EMPTY);
        assertThat(reload.getStoreEntriesBefore()).isEqualTo(MAILS);
        assertThat(SpoolDumps.findCurrent(dumpDir)).isEmpty();
        assertThat(reload.getRetiredAs()).isPresent();
        assertEveryMailIsBackOnceAndDeliverable();
    }

    private void fillSpool() throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueueFactory factory = factory(store, NOW);
            RamSpoolMailQueue spool = factory.createQueue(SPOOL);
            RamSpoolMailQueue outgoing = factory.createQueue(OUTGOING);
            RamDiskMailRepository errors = new RamDiskMailRepository(ERRORS, store);
            for (int i = 0; i < MAILS; i++) {
                addMail(i, spool, outgoing, errors);
            }
            factory.stop();
        }
    }

    private void addMail(int i, RamSpoolMailQueue spool, RamSpoolMailQueue outgoing, RamDiskMailRepository errors)
            throws Exception {
        String name = "mail-" + i;
        boolean nullSender = i % 7 == 0;
        int bodySize = i % 2500 == 1 ? LARGE_BODY : 200 + i % 1500;
        String state = i % 3 == 0 ? "transport" : "root";
        FakeMail mail = FakeMail.builder()
            .name(name)
            .sender(nullSender ? MailAddress.nullSender() : new MailAddress("sender" + i + "@example.com"))
            .recipient("rcpt" + i + "@example.org")
            .state(state)
            .attribute(new Attribute(RETRIES, AttributeValue.of(i % 5)))
            .mimeMessage(TestMails.mimeMessage(name, bodySize))
            .build();
        String digest = digest(TestMails.asBytes(mail.getMessage()));
        if (i % 10 == 9) {
            mail.setState("error");
            errors.store(mail);
            expected.put(name, new Expected("errors", Optional.empty(), "error", nullSender, i % 5, digest));
        } else if (i % 4 == 0) {
            Duration delay = Duration.ofMinutes(1 + i % 90);
            outgoing.enQueue(mail, delay);
            expected.put(name, new Expected("outgoing", Optional.of(NOW.plus(delay).atZone(ZoneOffset.UTC)), state,
                nullSender, i % 5, digest));
        } else {
            spool.enQueue(mail);
            expected.put(name, new Expected("spool", Optional.of(NOW.atZone(ZoneOffset.UTC)), state, nullSender,
                i % 5, digest));
        }
    }

    private void assertEveryMailIsBackOnceAndDeliverable() throws Exception {
        Map<String, Expected> remaining = new HashMap<>(expected);
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueueFactory factory = factory(store, NOW.plus(Duration.ofDays(1)));
            checkQueue(factory.createQueue(SPOOL), "spool", remaining);
            checkQueue(factory.createQueue(OUTGOING), "outgoing", remaining);
            checkRepository(new RamDiskMailRepository(ERRORS, store), remaining);
            assertThat(remaining).isEmpty();
            assertThat(drain(factory.createQueue(SPOOL))).isEqualTo(countIn("spool"));
            assertThat(drain(factory.createQueue(OUTGOING))).isEqualTo(countIn("outgoing"));
            assertThat(store.getEntryCount()).isEqualTo(countIn("errors"));
            factory.stop();
        }
    }

    private void checkQueue(ManageableMailQueue queue, String area, Map<String, Expected> remaining)
            throws Exception {
        ManageableMailQueue.MailQueueIterator iterator = queue.browse();
        while (iterator.hasNext()) {
            ManageableMailQueue.MailQueueItemView view = iterator.next();
            Expected wanted = remaining.remove(view.getMail().getName());
            assertThat(wanted).as("mail %s listed once", view.getMail().getName()).isNotNull();
            assertThat(wanted.area()).isEqualTo(area);
            assertThat(view.getNextDelivery()).isEqualTo(wanted.nextDelivery());
            assertMail(view.getMail(), wanted);
        }
        iterator.close();
    }

    private void checkRepository(RamDiskMailRepository repository, Map<String, Expected> remaining)
            throws Exception {
        for (MailKey key : (Iterable<MailKey>) repository::list) {
            Mail mail = repository.retrieve(key);
            Expected wanted = remaining.remove(mail.getName());
            assertThat(wanted).as("mail %s listed once", mail.getName()).isNotNull();
            assertThat(wanted.area()).isEqualTo("errors");
            assertMail(mail, wanted);
        }
    }

    private static void assertMail(Mail mail, Expected wanted) throws Exception {
        assertThat(mail.getState()).isEqualTo(wanted.state());
        assertThat(mail.getMaybeSender().isNullSender()).isEqualTo(wanted.nullSender());
        assertThat(mail.getAttribute(RETRIES)).contains(new Attribute(RETRIES, AttributeValue.of(wanted.retries())));
        assertThat(digest(TestMails.asBytes(mail.getMessage()))).isEqualTo(wanted.bodyDigest());
    }

    private long drain(RamSpoolMailQueue queue) {
        long size = queue.getSize();
        List<String> names = Flux.from(queue.deQueue())
            .take(size)
            .doOnNext(this::complete)
            .map(item -> item.getMail().getName())
            .collectList()
            .block(Duration.ofMinutes(1));
        assertThat(names).doesNotHaveDuplicates();
        return names.size();
    }

    private void complete(MailQueue.MailQueueItem item) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException(e);
        }
    }

    private long countIn(String area) {
        return expected.values().stream().filter(wanted -> wanted.area().equals(area)).count();
    }

    private static RamSpoolMailQueueFactory factory(SpoolStore store, Instant now) {
        return new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory(),
            Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String digest(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
