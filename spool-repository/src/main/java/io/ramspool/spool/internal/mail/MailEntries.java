package io.ramspool.spool.internal.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;

import io.ramspool.spool.internal.store.BodyWriter;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolStore;

/**
 * Converts between James's {@link Mail} and the store's {@link EntryHeader}: everything James
 * keeps on a mail is captured, attributes as the JSON that James itself produces.
 *
 * <p>Limitations: an attribute whose value James cannot serialise to JSON (an arbitrary Java
 * object without a registered serializer) is not kept; a WARN log names it. James's JMS queue
 * has the same rule.
 */
public final class MailEntries {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailEntries.class);

    private MailEntries() {
    }

    /** Captures the envelope, state and attributes of {@code mail} into a header builder. */
    public static EntryHeader.Builder describe(Mail mail) throws MessagingException {
        return EntryHeader.builder()
            .name(mail.getName())
            .hasMessage(mail.getMessage() != null)
            .state(mail.getState())
            .errorMessage(mail.getErrorMessage())
            .sender(mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(null))
            .recipients(mail.getRecipients().stream()
                .map(MailAddress::asString)
                .collect(ImmutableList.toImmutableList()))
            .lastUpdatedMillis(Optional.ofNullable(mail.getLastUpdated())
                .map(Date::getTime)
                .orElse(EntryHeader.NO_DATE))
            .remoteHost(mail.getRemoteHost())
            .remoteAddr(mail.getRemoteAddr())
            .attributesAsJson(attributesAsJson(mail))
            .recipientHeaders(recipientHeaders(mail.getPerRecipientSpecificHeaders()));
    }

    /**
     * Streams the message of {@code mail}; a mail without message gets an empty body. A message
     * James has not changed since it was received or spooled is copied byte for byte from its
     * source: {@code writeTo} would parse its headers and print them again, to the same bytes.
     */
    public static BodyWriter bodyOf(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (message == null) {
            return BodyWriter.EMPTY;
        }
        if (message instanceof MimeMessageWrapper && !((MimeMessageWrapper) message).isModified()) {
            MimeMessageWrapper unchanged = (MimeMessageWrapper) message;
            return out -> copyRaw(unchanged, out);
        }
        return message::writeTo;
    }

    private static void copyRaw(MimeMessageWrapper message, OutputStream out)
            throws IOException, MessagingException {
        try (InputStream raw = message.getMessageInputStream()) {
            raw.transferTo(out);
        }
    }

    /**
     * Rebuilds a mail from a spool entry. The message is not read here: it is served lazily from
     * the entry file, which must still exist when the message is first used.
     */
    public static MailImpl toMail(SpoolStore store, SpoolEntry entry) throws MessagingException {
        EntryHeader header = entry.getHeader();
        MailImpl mail = MailImpl.builder()
            .name(header.getName())
            .sender(toMaybeSender(header.getSender()))
            .addRecipients(toAddresses(header.getRecipients()))
            .addAttributes(toAttributes(entry))
            .addAllHeadersForRecipients(toPerRecipientHeaders(header.getRecipientHeaders()))
            .build();
        header.getState().ifPresent(mail::setState);
        mail.setErrorMessage(header.getErrorMessage().orElse(null));
        header.getRemoteHost().ifPresent(mail::setRemoteHost);
        header.getRemoteAddr().ifPresent(mail::setRemoteAddr);
        if (header.getLastUpdatedMillis() != EntryHeader.NO_DATE) {
            mail.setLastUpdated(new Date(header.getLastUpdatedMillis()));
        }
        if (header.hasMessage()) {
            mail.setMessageNoCopy(new SpoolMimeMessage(new SpoolMessageSource(store, entry)));
        }
        return mail;
    }

    private static Map<String, String> attributesAsJson(Mail mail) {
        Map<String, String> result = new LinkedHashMap<>();
        mail.attributes().forEach(attribute -> {
            Optional<String> json = AttributeJson.write(attribute.getValue());
            if (json.isPresent()) {
                result.put(attribute.getName().asString(), json.get());
            } else {
                LOGGER.warn("Mail attribute cannot be serialised and is not spooled mail={} attribute={}",
                    mail.getName(), attribute.getName().asString());
            }
        });
        return result;
    }

    private static List<EntryHeader.RecipientHeader> recipientHeaders(PerRecipientHeaders headers) {
        ImmutableList.Builder<EntryHeader.RecipientHeader> result = ImmutableList.builder();
        headers.getHeadersByRecipient().forEach((recipient, header) ->
            result.add(new EntryHeader.RecipientHeader(recipient.asString(), header.getName(), header.getValue())));
        return result.build();
    }

    private static MaybeSender toMaybeSender(Optional<String> sender) throws AddressException {
        if (sender.isEmpty()) {
            return MaybeSender.nullSender();
        }
        return MaybeSender.of(new MailAddress(sender.get()));
    }

    private static List<MailAddress> toAddresses(List<String> addresses) throws AddressException {
        ImmutableList.Builder<MailAddress> result = ImmutableList.builder();
        for (String address : addresses) {
            result.add(new MailAddress(address));
        }
        return result.build();
    }

    private static List<Attribute> toAttributes(SpoolEntry entry) {
        ImmutableList.Builder<Attribute> result = ImmutableList.builder();
        entry.getHeader().getAttributesAsJson().forEach((name, json) -> {
            try {
                result.add(new Attribute(AttributeName.of(name), AttributeJson.read(json)));
            } catch (IOException | RuntimeException e) {
                LOGGER.warn("Spooled mail attribute cannot be read back and is left out mail={} attribute={} path={}",
                    entry.getHeader().getName(), name, entry.getPath(), e);
            }
        });
        return result.build();
    }

    private static PerRecipientHeaders toPerRecipientHeaders(List<EntryHeader.RecipientHeader> headers)
            throws AddressException {
        PerRecipientHeaders result = new PerRecipientHeaders();
        for (EntryHeader.RecipientHeader header : headers) {
            result.addHeaderForRecipient(PerRecipientHeaders.Header.builder()
                .name(header.getName())
                .value(header.getValue())
                .build(), new MailAddress(header.getRecipient()));
        }
        return result;
    }
}
