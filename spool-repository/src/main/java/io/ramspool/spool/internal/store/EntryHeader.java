package io.ramspool.spool.internal.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * Everything the store keeps about one mail besides its MIME bytes: the envelope, James's
 * per-mail state and attributes, and the scheduling data of a queue entry. Immutable.
 *
 * <p>Attributes are kept as the JSON text James produces with {@code AttributeValue.toJson()},
 * so the store does not depend on attribute classes.
 */
public final class EntryHeader {

    /** Marks "no lastUpdated date" in the file; James always sets one, but a Mail may not. */
    public static final long NO_DATE = Long.MIN_VALUE;

    /** One header that James adds for a single recipient only (PerRecipientHeaders). */
    public static final class RecipientHeader {
        private final String recipient;
        private final String name;
        private final String value;

        public RecipientHeader(String recipient, String name, String value) {
            this.recipient = Preconditions.checkNotNull(recipient, "recipient");
            this.name = Preconditions.checkNotNull(name, "name");
            this.value = Preconditions.checkNotNull(value, "value");
        }

        public String getRecipient() {
            return recipient;
        }

        public String getName() {
            return name;
        }

        public String getValue() {
            return value;
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof RecipientHeader) {
                RecipientHeader that = (RecipientHeader) o;
                return recipient.equals(that.recipient) && name.equals(that.name) && value.equals(that.value);
            }
            return false;
        }

        @Override
        public int hashCode() {
            return Objects.hash(recipient, name, value);
        }
    }

    private final long sequence;
    private final long enqueuedAtMillis;
    private final long nextDeliveryMillis;
    private final int priority;
    private final boolean hasMessage;
    private final Optional<String> key;
    private final String name;
    private final Optional<String> state;
    private final Optional<String> errorMessage;
    private final Optional<String> sender;
    private final ImmutableList<String> recipients;
    private final long lastUpdatedMillis;
    private final Optional<String> remoteHost;
    private final Optional<String> remoteAddr;
    private final ImmutableMap<String, String> attributesAsJson;
    private final ImmutableList<RecipientHeader> recipientHeaders;

    private EntryHeader(Builder builder) {
        Preconditions.checkArgument(builder.name != null && !builder.name.isEmpty(), "mail name must not be empty");
        this.sequence = builder.sequence;
        this.enqueuedAtMillis = builder.enqueuedAtMillis;
        this.nextDeliveryMillis = builder.nextDeliveryMillis;
        this.priority = builder.priority;
        this.hasMessage = builder.hasMessage;
        this.key = Optional.ofNullable(builder.key);
        this.name = builder.name;
        this.state = Optional.ofNullable(builder.state);
        this.errorMessage = Optional.ofNullable(builder.errorMessage);
        this.sender = Optional.ofNullable(builder.sender);
        this.recipients = ImmutableList.copyOf(builder.recipients);
        this.lastUpdatedMillis = builder.lastUpdatedMillis;
        this.remoteHost = Optional.ofNullable(builder.remoteHost);
        this.remoteAddr = Optional.ofNullable(builder.remoteAddr);
        this.attributesAsJson = ImmutableMap.copyOf(builder.attributesAsJson);
        this.recipientHeaders = ImmutableList.copyOf(builder.recipientHeaders);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy of this header with another sequence number and delivery time, for re-scheduling. */
    public EntryHeader withSchedule(long newSequence, long newNextDeliveryMillis) {
        return toBuilder().sequence(newSequence).nextDeliveryMillis(newNextDeliveryMillis).build();
    }

    public Builder toBuilder() {
        return new Builder()
            .sequence(sequence)
            .enqueuedAtMillis(enqueuedAtMillis)
            .nextDeliveryMillis(nextDeliveryMillis)
            .priority(priority)
            .hasMessage(hasMessage)
            .key(key.orElse(null))
            .name(name)
            .state(state.orElse(null))
            .errorMessage(errorMessage.orElse(null))
            .sender(sender.orElse(null))
            .recipients(recipients)
            .lastUpdatedMillis(lastUpdatedMillis)
            .remoteHost(remoteHost.orElse(null))
            .remoteAddr(remoteAddr.orElse(null))
            .attributesAsJson(attributesAsJson)
            .recipientHeaders(recipientHeaders);
    }

    public long getSequence() {
        return sequence;
    }

    public long getEnqueuedAtMillis() {
        return enqueuedAtMillis;
    }

    public long getNextDeliveryMillis() {
        return nextDeliveryMillis;
    }

    public int getPriority() {
        return priority;
    }

    public boolean hasMessage() {
        return hasMessage;
    }

    /** The repository key; empty for queue entries. */
    public Optional<String> getKey() {
        return key;
    }

    public String getName() {
        return name;
    }

    public Optional<String> getState() {
        return state;
    }

    public Optional<String> getErrorMessage() {
        return errorMessage;
    }

    /** The envelope sender; empty means the null sender {@code <>}. */
    public Optional<String> getSender() {
        return sender;
    }

    public List<String> getRecipients() {
        return recipients;
    }

    public long getLastUpdatedMillis() {
        return lastUpdatedMillis;
    }

    public Optional<String> getRemoteHost() {
        return remoteHost;
    }

    public Optional<String> getRemoteAddr() {
        return remoteAddr;
    }

    public Map<String, String> getAttributesAsJson() {
        return attributesAsJson;
    }

    public List<RecipientHeader> getRecipientHeaders() {
        return recipientHeaders;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof EntryHeader) {
            EntryHeader that = (EntryHeader) o;
            return sequence == that.sequence
                && enqueuedAtMillis == that.enqueuedAtMillis
                && nextDeliveryMillis == that.nextDeliveryMillis
                && priority == that.priority
                && hasMessage == that.hasMessage
                && lastUpdatedMillis == that.lastUpdatedMillis
                && key.equals(that.key)
                && name.equals(that.name)
                && state.equals(that.state)
                && errorMessage.equals(that.errorMessage)
                && sender.equals(that.sender)
                && recipients.equals(that.recipients)
                && remoteHost.equals(that.remoteHost)
                && remoteAddr.equals(that.remoteAddr)
                && attributesAsJson.equals(that.attributesAsJson)
                && recipientHeaders.equals(that.recipientHeaders);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, name, key, recipients, nextDeliveryMillis);
    }

    @Override
    public String toString() {
        return "EntryHeader{sequence=" + sequence + ", name=" + name + ", recipients=" + recipients.size() + "}";
    }

    /** Mutable builder; {@link #build()} checks that a name is set. */
    public static final class Builder {
        private long sequence;
        private long enqueuedAtMillis;
        private long nextDeliveryMillis;
        private int priority;
        private boolean hasMessage = true;
        private String key;
        private String name;
        private String state;
        private String errorMessage;
        private String sender;
        private List<String> recipients = ImmutableList.of();
        private long lastUpdatedMillis = NO_DATE;
        private String remoteHost;
        private String remoteAddr;
        private Map<String, String> attributesAsJson = ImmutableMap.of();
        private List<RecipientHeader> recipientHeaders = ImmutableList.of();

        private Builder() {
        }

        public Builder sequence(long sequence) {
            this.sequence = sequence;
            return this;
        }

        public Builder enqueuedAtMillis(long enqueuedAtMillis) {
            this.enqueuedAtMillis = enqueuedAtMillis;
            return this;
        }

        public Builder nextDeliveryMillis(long nextDeliveryMillis) {
            this.nextDeliveryMillis = nextDeliveryMillis;
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder hasMessage(boolean hasMessage) {
            this.hasMessage = hasMessage;
            return this;
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder state(String state) {
            this.state = state;
            return this;
        }

        public Builder errorMessage(String errorMessage) {
            this.errorMessage = errorMessage;
            return this;
        }

        public Builder sender(String sender) {
            this.sender = sender;
            return this;
        }

        public Builder recipients(List<String> recipients) {
            this.recipients = Preconditions.checkNotNull(recipients, "recipients");
            return this;
        }

        public Builder lastUpdatedMillis(long lastUpdatedMillis) {
            this.lastUpdatedMillis = lastUpdatedMillis;
            return this;
        }

        public Builder remoteHost(String remoteHost) {
            this.remoteHost = remoteHost;
            return this;
        }

        public Builder remoteAddr(String remoteAddr) {
            this.remoteAddr = remoteAddr;
            return this;
        }

        public Builder attributesAsJson(Map<String, String> attributesAsJson) {
            this.attributesAsJson = Preconditions.checkNotNull(attributesAsJson, "attributesAsJson");
            return this;
        }

        public Builder recipientHeaders(List<RecipientHeader> recipientHeaders) {
            this.recipientHeaders = Preconditions.checkNotNull(recipientHeaders, "recipientHeaders");
            return this;
        }

        public EntryHeader build() {
            return new EntryHeader(this);
        }
    }
}
