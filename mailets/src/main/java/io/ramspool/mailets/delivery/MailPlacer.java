package io.ramspool.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

/**
 * Puts the recipients of a delivered mail where their results send them: nowhere more for the delivered ones, a
 * bounce for permanent failures (the error processor for a null sender), the outgoing queue with a delay for temporary
 * failures (the error processor once the mail is older than {@code maxAge}). Each group travels as its own copy of
 * the mail, holding only its recipients, so every recipient is in exactly one place. Thread-safe.
 */
public final class MailPlacer {
    /** Number of delivery passes already made; absent on a mail that was never deferred. */
    public static final AttributeName ATTEMPTS = AttributeName.of("io.ramspool.oneshot.attempts");
    /** Epoch milliseconds at which the mail entered the mailet; the age for {@code maxAge} counts from here. */
    public static final AttributeName FIRST_SEEN = AttributeName.of("io.ramspool.oneshot.firstSeen");
    /** The failure text, under the names James's RemoteDelivery uses, so that DSNBounce can quote it. */
    public static final AttributeName DELIVERY_ERROR = AttributeName.of("delivery-error");
    public static final AttributeName DELIVERY_ERROR_CODE = AttributeName.of("delivery-error-code");
    public static final AttributeName IS_DELIVERY_PERMANENT_ERROR = AttributeName.of("is-delivery-permanent-error");

    private static final Logger LOGGER = LoggerFactory.getLogger(MailPlacer.class);
    private static final Pattern REPLY_CODE = Pattern.compile("\\b([245]\\d\\d)\\b");

    private final MailetContext mailetContext;
    private final MailQueue outgoingQueue;
    private final DeliveryConfiguration configuration;
    private final Clock clock;

    public MailPlacer(MailetContext mailetContext, MailQueue outgoingQueue, DeliveryConfiguration configuration,
                      Clock clock) {
        this.mailetContext = mailetContext;
        this.outgoingQueue = outgoingQueue;
        this.configuration = configuration;
        this.clock = clock;
    }

    /** How many delivery passes {@code mail} has had before the current one. */
    public static int attempts(Mail mail) {
        return mail.getAttribute(ATTEMPTS)
            .map(attribute -> attribute.getValue().getValue())
            .filter(Integer.class::isInstance)
            .map(Integer.class::cast)
            .orElse(0);
    }

    /** Marks {@code mail} as entering the mailet now: age zero, no previous pass. */
    public void markFirstSeen(Mail mail) {
        mail.setAttribute(new Attribute(FIRST_SEEN, AttributeValue.of(clock.millis())));
        mail.removeAttribute(ATTEMPTS);
    }

    /**
     * Places every recipient of {@code mail} according to {@code results}. A copy that cannot be stored where it
     * belongs is re-queued instead; recipients that cannot even be re-queued are returned as unplaced.
     */
    public Placement place(Mail mail, ImmutableMap<MailAddress, RecipientResult> results) {
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        ImmutableList.Builder<MailAddress> unplaced = ImmutableList.builder();
        results.forEach((recipient, result) -> {
            if (result.isDelivered()) {
                outcomes.put(recipient, result.isViaFallback() ? Outcome.FALLBACK : Outcome.DIRECT);
            }
        });
        List<MailAddress> permanent = recipientsOf(results, RecipientResult.Kind.PERMANENT_FAILURE);
        if (!permanent.isEmpty()) {
            placeGroup(mail, permanent, reasons(results, permanent), true, outcomes, unplaced);
        }
        List<MailAddress> temporary = recipientsOf(results, RecipientResult.Kind.TEMPORARY_FAILURE);
        if (!temporary.isEmpty()) {
            placeGroup(mail, temporary, reasons(results, temporary), false, outcomes, unplaced);
        }
        return new Placement(outcomes, acceptingHosts(results), unplaced.build());
    }

    private void placeGroup(Mail mail, List<MailAddress> recipients, String reason, boolean permanent,
                            Map<MailAddress, Outcome> outcomes, ImmutableList.Builder<MailAddress> unplaced) {
        try {
            Outcome outcome = permanent
                ? failPermanently(mail, recipients, reason)
                : failTemporarily(mail, recipients, reason);
            recipients.forEach(recipient -> outcomes.put(recipient, outcome));
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Could not place mail={} recipients={}; re-queueing them", mail.getName(),
                recipients.size(), e);
            requeueOrGiveBack(mail, recipients, reason, outcomes, unplaced);
        }
    }

    private Outcome failPermanently(Mail mail, List<MailAddress> recipients, String reason)
        throws MessagingException {
        Mail copy = copyFor(mail, recipients, reason);
        try {
            return sendPermanentFailure(mail, copy, reason);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    private Outcome sendPermanentFailure(Mail mail, Mail copy, String reason) throws MessagingException {
        if (mail.getMaybeSender().isNullSender()) {
            // Never bounce a bounce: a null-sender mail that fails for good goes to the error processor.
            mailetContext.sendMail(copy, configuration.getErrorProcessor());
            return Outcome.ERROR;
        }
        copy.setAttribute(new Attribute(DELIVERY_ERROR, AttributeValue.of(reason)));
        copy.setAttribute(new Attribute(IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(true)));
        replyCode(reason).ifPresent(code -> copy.setAttribute(new Attribute(DELIVERY_ERROR_CODE,
            AttributeValue.of(code))));
        if (configuration.getBounceProcessor().isPresent()) {
            mailetContext.sendMail(copy, configuration.getBounceProcessor().get());
        } else {
            mailetContext.bounce(copy, reason);
        }
        return Outcome.BOUNCED;
    }

    private Outcome failTemporarily(Mail mail, List<MailAddress> recipients, String reason)
        throws MessagingException {
        if (isTooOld(mail)) {
            String expired = "no delivery within " + configuration.getMaxAge() + "; last error: " + reason;
            sendAndDispose(copyFor(mail, recipients, expired), configuration.getErrorProcessor());
            return Outcome.ERROR;
        }
        requeue(mail, copyFor(mail, recipients, reason));
        return Outcome.DEFERRED;
    }

    private void sendAndDispose(Mail copy, String processor) throws MessagingException {
        try {
            mailetContext.sendMail(copy, processor);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    private void requeueOrGiveBack(Mail mail, List<MailAddress> recipients, String reason,
                                   Map<MailAddress, Outcome> outcomes, ImmutableList.Builder<MailAddress> unplaced) {
        try {
            requeue(mail, copyFor(mail, recipients, reason));
            recipients.forEach(recipient -> outcomes.put(recipient, Outcome.DEFERRED));
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Could not re-queue mail={} recipients={}; the queue keeps them", mail.getName(),
                recipients.size(), e);
            unplaced.addAll(recipients);
        }
    }

    private void requeue(Mail mail, Mail copy) throws MessagingException {
        try {
            int attempts = attempts(mail) + 1;
            copy.setAttribute(new Attribute(ATTEMPTS, AttributeValue.of(attempts)));
            if (copy.getAttribute(FIRST_SEEN).isEmpty()) {
                copy.setAttribute(new Attribute(FIRST_SEEN, AttributeValue.of(clock.millis())));
            }
            outgoingQueue.enQueue(copy, backoff(attempts));
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    /** {@code retryDelay} doubled for each pass after the first, never above {@code maxRetryDelay}. */
    Duration backoff(int attempts) {
        Duration delay = configuration.getRetryDelay();
        for (int i = 1; i < attempts && delay.compareTo(configuration.getMaxRetryDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(configuration.getMaxRetryDelay()) > 0 ? configuration.getMaxRetryDelay() : delay;
    }

    private boolean isTooOld(Mail mail) {
        Optional<Instant> firstSeen = mail.getAttribute(FIRST_SEEN)
            .map(attribute -> attribute.getValue().getValue())
            .filter(Long.class::isInstance)
            .map(millis -> Instant.ofEpochMilli((Long) millis));
        return firstSeen
            .map(instant -> !instant.plus(configuration.getMaxAge()).isAfter(clock.instant()))
            .orElse(false);
    }

    private static Mail copyFor(Mail mail, List<MailAddress> recipients, String reason) throws MessagingException {
        MailImpl copy = MailImpl.duplicate(mail);
        copy.setRecipients(recipients);
        copy.setErrorMessage(reason);
        return copy;
    }

    private static List<MailAddress> recipientsOf(ImmutableMap<MailAddress, RecipientResult> results,
                                                  RecipientResult.Kind kind) {
        return results.entrySet().stream()
            .filter(entry -> entry.getValue().getKind() == kind)
            .map(Map.Entry::getKey)
            .collect(ImmutableList.toImmutableList());
    }

    private static String reasons(ImmutableMap<MailAddress, RecipientResult> results, List<MailAddress> recipients) {
        return recipients.stream()
            .map(recipient -> results.get(recipient).getDetail())
            .distinct()
            .collect(Collectors.joining("; "));
    }

    private static Optional<Integer> replyCode(String reason) {
        Matcher matcher = REPLY_CODE.matcher(reason);
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }

    private static ImmutableSet<String> acceptingHosts(ImmutableMap<MailAddress, RecipientResult> results) {
        return results.values().stream()
            .filter(RecipientResult::isDelivered)
            .map(RecipientResult::getDetail)
            .collect(ImmutableSet.toImmutableSet());
    }
}
