package io.ramspool.spool.internal.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import javax.mail.internet.MimeMessage;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import reactor.core.publisher.Flux;

/**
 * A mail goes through two queues on its way through the relay (intake, then delivery). A message
 * nobody changed must reach the second queue byte for byte as the client sent it, and the
 * mandatory Bcc-stripping step must not count as a change when there is no Bcc header.
 */
class UnchangedMessageCopyTest {
    /** Odd but legal: folded header, spaces around values, a header name in lower case. */
    private static final String RAW = "Received: from client.example.net\r\n"
        + "\tby relay; Fri, 4 Dec 2026 10:00:00 +0000\r\n"
        + "Subject:    spaced   out  \r\n"
        + "x-lower-case: yes\r\n"
        + "Message-ID: <copy@example.net>\r\n"
        + "\r\n"
        + "line one\r\n"
        + "line two\r\n";

    /** What JavaMail's SMTPTransport asks a message to leave out when it sends it. */
    private static final String[] SMTP_LEAVES_OUT = {"Bcc", "Content-Length"};

    private RamDiskDirectory directory;
    private SpoolStore store;
    private RamSpoolMailQueueFactory factory;

    @BeforeEach
    void setUp() throws Exception {
        directory = RamDiskDirectory.create("unchanged-copy");
        store = SpoolStore.open(StoreOptions.ramDisk(directory.getPath()));
        factory = new RamSpoolMailQueueFactory(store, new RawMailQueueItemDecoratorFactory(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        factory.stop();
        store.close();
        directory.delete();
    }

    @Test
    void anUnchangedMailShouldReachTheSecondQueueByteForByte() throws Exception {
        Mail intake = throughQueue("spool", received(RAW));
        stripBccAsJamesDoes(intake.getMessage());

        assertThat(((MimeMessageWrapper) intake.getMessage()).isModified()).isFalse();
        Mail outgoing = throughQueue("outgoing", intake);

        assertThat(bytesOf(outgoing)).isEqualTo(RAW);
    }

    @Test
    void aBccHeaderShouldStillBeRemovedAndTheRestKept() throws Exception {
        String withBcc = RAW.replace("Subject:", "Bcc: hidden@example.org\r\nSubject:");
        Mail intake = throughQueue("spool", received(withBcc));
        stripBccAsJamesDoes(intake.getMessage());

        Mail outgoing = throughQueue("outgoing", intake);

        String copied = bytesOf(outgoing);
        assertThat(copied).doesNotContainIgnoringCase("bcc").doesNotContain("hidden@example.org");
        assertThat(outgoing.getMessage().getHeader("x-lower-case", null)).isEqualTo("yes");
        assertThat(outgoing.getMessage().getMessageID()).isEqualTo("<copy@example.net>");
        assertThat(copied).endsWith("\r\n\r\nline one\r\nline two\r\n");
    }

    @Test
    void aChangedHeaderShouldBeWrittenAsChanged() throws Exception {
        Mail intake = throughQueue("spool", received(RAW));
        intake.getMessage().setHeader("X-Added", "by a mailet");

        Mail outgoing = throughQueue("outgoing", intake);

        assertThat(outgoing.getMessage().getHeader("X-Added", null)).isEqualTo("by a mailet");
        assertThat(bytesOf(outgoing)).contains("line one\r\nline two\r\n");
    }

    @Test
    void anUnchangedMailShouldBeSentAsItsSpooledBytes() throws Exception {
        Mail outgoing = throughQueue("outgoing", throughQueue("spool", received(RAW)));

        assertThat(bytesOf(outgoing, SMTP_LEAVES_OUT)).isEqualTo(RAW);
    }

    @Test
    void aHeaderTheTransportLeavesOutShouldStillBeLeftOut() throws Exception {
        String withLength = RAW.replace("Subject:", "Content-Length: 18\r\nSubject:");
        Mail outgoing = throughQueue("outgoing", throughQueue("spool", received(withLength)));

        String sent = bytesOf(outgoing, SMTP_LEAVES_OUT);

        assertThat(sent).doesNotContain("Content-Length").contains("Subject:").endsWith("line two\r\n");
        assertThat(bytesOf(outgoing)).isEqualTo(withLength);
    }

    /** What James's SMTP intake hands to the queue: a lazy wrapper over the received bytes. */
    private static Mail received(String raw) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create("received",
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder()
            .name("copy")
            .mimeMessage(new MimeMessageWrapper(source))
            .sender("sender@example.net")
            .recipient("rcpt@example.org")
            .build();
    }

    /** The calls RemoveMimeHeader (name=bcc) of James 3.8.1 makes. */
    private static void stripBccAsJamesDoes(MimeMessage message) throws Exception {
        boolean present = message.getMatchingHeaderLines(new String[] {"bcc"}).hasMoreElements();
        message.removeHeader("bcc");
        if (present) {
            message.saveChanges();
        }
    }

    private Mail throughQueue(String name, Mail mail) throws Exception {
        RamSpoolMailQueue queue = factory.createQueue(MailQueueName.of(name));
        queue.enQueue(mail);
        MailQueue.MailQueueItem item = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));
        return item.getMail();
    }

    private static String bytesOf(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static String bytesOf(Mail mail, String[] ignoreList) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out, ignoreList);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
