package io.ramspool.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailPrioritySupport;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;
import reactor.core.publisher.Flux;

/** What a new JVM finds when it opens a spool that another one filled. */
class RamSpoolMailQueueRestartTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final MailQueueName SPOOL = MailQueueName.of("spool");

    private RamDiskDirectory directory;
    private SpoolStore store;
    private RamSpoolMailQueueFactory factory;
    private RamSpoolMailQueue testee;

    @BeforeEach
    void setUp() throws Exception {
        directory = RamDiskDirectory.create("restart");
        testee = open();
    }

    @AfterEach
    void tearDown() throws Exception {
        factory.stop();
        store.close();
        directory.delete();
    }

    private RamSpoolMailQueue open() throws Exception {
        store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
        factory = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory(),
            Clock.fixed(NOW, ZoneOffset.UTC));
        return factory.createQueue(SPOOL);
    }

    private RamSpoolMailQueue restart() throws Exception {
        factory.stop();
        store.close();
        testee = open();
        return testee;
    }

    @Test
    void restartShouldKeepEveryPropertyOfAQueuedMail() throws Exception {
        Date lastUpdated = Date.from(NOW.minusSeconds(30));
        FakeMail mail = FakeMail.builder()
            .name("full")
            .mimeMessage(TestMails.mimeMessage("full", 2000))
            .sender(MailAddress.nullSender())
            .recipients("a@example.com", "b@example.org")
            .state("transport")
            .errorMessage("421 4.4.2 timeout")
            .lastUpdated(lastUpdated)
            .remoteHost("client.example.net")
            .remoteAddr("127.0.0.5")
            .attribute(new Attribute(AttributeName.of("retries"), AttributeValue.of(3)))
            .attribute(MailPrioritySupport.HIGH_PRIORITY_ATTRIBUTE)
            .addHeaderForRecipient(PerRecipientHeaders.Header.builder().name("X-Rcpt").value("a").build(),
                new MailAddress("a@example.com"))
            .build();
        testee.enQueue(mail);

        Mail reloaded = Flux.from(restart().deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();

        assertThat(reloaded.getName()).isEqualTo("full");
        assertThat(reloaded.getMaybeSender().isNullSender()).isTrue();
        assertThat(reloaded.getRecipients()).containsExactly(new MailAddress("a@example.com"),
            new MailAddress("b@example.org"));
        assertThat(reloaded.getState()).isEqualTo("transport");
        assertThat(reloaded.getErrorMessage()).isEqualTo("421 4.4.2 timeout");
        assertThat(reloaded.getLastUpdated()).isEqualTo(lastUpdated);
        assertThat(reloaded.getRemoteHost()).isEqualTo("client.example.net");
        assertThat(reloaded.getRemoteAddr()).isEqualTo("127.0.0.5");
        assertThat(reloaded.getAttribute(AttributeName.of("retries")))
            .contains(new Attribute(AttributeName.of("retries"), AttributeValue.of(3)));
        assertThat(reloaded.getAttribute(MailPrioritySupport.MAIL_PRIORITY))
            .contains(MailPrioritySupport.HIGH_PRIORITY_ATTRIBUTE);
        assertThat(reloaded.getPerRecipientSpecificHeaders()).isEqualTo(mail.getPerRecipientSpecificHeaders());
        assertThat(TestMails.asBytes(reloaded.getMessage())).isEqualTo(TestMails.asBytes(mail.getMessage()));
    }

    @Test
    void restartShouldKeepDelaysAndOrder() throws Exception {
        testee.enQueue(TestMails.mail("later", 100), Duration.ofMinutes(10));
        testee.enQueue(TestMails.mail("first", 100));
        testee.enQueue(TestMails.mail("second", 100));

        ManageableMailQueue reopened = restart();

        assertThat(nextDeliveries(reopened)).containsExactly(
            NOW.plus(Duration.ofMinutes(10)).atZone(ZoneOffset.UTC),
            NOW.atZone(ZoneOffset.UTC),
            NOW.atZone(ZoneOffset.UTC));
        assertThat(Flux.from(reopened.deQueue()).take(2).map(item -> item.getMail().getName()).collectList()
            .block(Duration.ofSeconds(10))).containsExactly("first", "second");
    }

    @Test
    void mailDequeuedButNotCompletedShouldBeBackAfterARestart() throws Exception {
        testee.enQueue(TestMails.mail("in-flight", 100));
        MailQueue.MailQueueItem item = Flux.from(testee.deQueue()).blockFirst(Duration.ofSeconds(10));
        assertThat(item.getMail().getName()).isEqualTo("in-flight");

        RamSpoolMailQueue reopened = restart();

        assertThat(reopened.getSize()).isEqualTo(1);
    }

    @Test
    void completedMailShouldNotComeBackAfterARestart() throws Exception {
        testee.enQueue(TestMails.mail("done", 100));
        Flux.from(testee.deQueue()).blockFirst(Duration.ofSeconds(10))
            .done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);

        RamSpoolMailQueue reopened = restart();

        assertThat(reopened.getSize()).isZero();
        assertThat(store.getEntryCount()).isZero();
    }

    @Test
    void rejectedMailShouldStayInTheQueue() throws Exception {
        testee.enQueue(TestMails.mail("rejected", 100));

        Flux.from(testee.deQueue()).blockFirst(Duration.ofSeconds(10))
            .done(MailQueue.MailQueueItem.CompletionStatus.REJECT);

        assertThat(testee.getSize()).isEqualTo(1);
        assertThat(store.getEntryCount()).isEqualTo(1);
    }

    @Test
    void cancelledSubscriptionShouldNotStrandAMail() throws Exception {
        testee.enQueue(TestMails.mail("one", 100));
        testee.enQueue(TestMails.mail("two", 100));

        Flux.from(testee.deQueue()).take(1).blockLast(Duration.ofSeconds(10));

        assertThat(Flux.from(testee.deQueue()).take(1).map(item -> item.getMail().getName())
            .blockLast(Duration.ofSeconds(10))).isEqualTo("two");
    }

    @Test
    void bodyShouldStayOnTheRamDiskUntilRead() throws Exception {
        testee.enQueue(TestMails.mail("lazy", 10_000));

        Mail mail = Flux.from(restart().deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();

        assertThat(mail.getMessage()).isInstanceOf(MimeMessageWrapper.class);
        assertThat(((MimeMessageWrapper) mail.getMessage()).getSourceId())
            .startsWith(directory.getPath().toString());
        assertThat(mail.getMessageSize()).isGreaterThan(10_000);
    }

    private static List<ZonedDateTime> nextDeliveries(ManageableMailQueue queue) throws Exception {
        List<ZonedDateTime> result = new ArrayList<>();
        queue.browse().forEachRemaining(view -> result.add(view.getNextDelivery().orElseThrow()));
        return result;
    }
}
