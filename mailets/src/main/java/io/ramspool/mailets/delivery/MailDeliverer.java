package io.ramspool.mailets.delivery;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Multimaps;

/**
 * Makes one delivery pass for a mail: every recipient domain's hosts once, in preference order, then the fallback
 * gateways once, in order, for whatever is still undelivered (on a retry, the fallback gateways come first). Never
 * throws for a delivery problem: the outcome of each recipient is in the returned map. Thread-safe.
 */
public final class MailDeliverer {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailDeliverer.class);
    private static final String RECEIVED = "Received";

    private final RouteResolver routeResolver;
    private final SmtpClient smtpClient;
    private final LoopGuard loopGuard;
    private final ImmutableList<SmtpHost> fallbackGateways;
    private final int maxHops;

    MailDeliverer(RouteResolver routeResolver, SmtpClient smtpClient, LoopGuard loopGuard,
                  ImmutableList<SmtpHost> fallbackGateways, int maxHops) {
        this.routeResolver = routeResolver;
        this.smtpClient = smtpClient;
        this.loopGuard = loopGuard;
        this.fallbackGateways = fallbackGateways;
        this.maxHops = maxHops;
    }

    /**
     * Delivers {@code mail} to its recipients as far as one pass goes.
     *
     * @param fallbackFirst true on a retry: the fallback gateways are tried before the recipients' own hosts
     * @return one result per recipient of the mail, in the mail's recipient order
     */
    public ImmutableMap<MailAddress, RecipientResult> deliver(Mail mail, boolean fallbackFirst) {
        ImmutableList<MailAddress> recipients = mail.getRecipients().stream()
            .distinct()
            .collect(ImmutableList.toImmutableList());
        Map<MailAddress, RecipientResult> results = new LinkedHashMap<>();
        Optional<String> hopProblem = hopProblem(mail);
        if (hopProblem.isPresent()) {
            RecipientResult tooManyHops = RecipientResult.failedPermanently(hopProblem.get());
            recipients.forEach(recipient -> results.put(recipient, tooManyHops));
            return ImmutableMap.copyOf(results);
        }
        recipients.forEach(recipient -> results.put(recipient, RecipientResult.retryLater("not attempted")));
        if (fallbackFirst) {
            deliverViaFallbacks(mail, results);
            deliverDirect(mail, results);
        } else {
            deliverDirect(mail, results);
            deliverViaFallbacks(mail, results);
        }
        return ImmutableMap.copyOf(results);
    }

    private Optional<String> hopProblem(Mail mail) {
        try {
            String[] received = mail.getMessage().getHeader(RECEIVED);
            int hops = received == null ? 0 : received.length;
            if (hops > maxHops) {
                return Optional.of("5.4.6 Routing loop detected: " + hops + " Received headers, limit " + maxHops);
            }
            return Optional.empty();
        } catch (MessagingException e) {
            LOGGER.warn("Could not count Received headers mail={}; delivering anyway", mail.getName(), e);
            return Optional.empty();
        }
    }

    private void deliverDirect(Mail mail, Map<MailAddress, RecipientResult> results) {
        ImmutableListMultimap<String, MailAddress> byDomain = Multimaps.index(pending(results),
            recipient -> recipient.getDomain().asString());
        for (String domain : byDomain.keySet()) {
            ImmutableList<SmtpHost> hosts = routeResolver.resolve(domain);
            if (hosts.isEmpty()) {
                byDomain.get(domain).forEach(recipient -> results.put(recipient,
                    RecipientResult.retryLater("no MX or address found for " + domain + " (or DNS failed)")));
            }
            for (SmtpHost host : hosts) {
                List<MailAddress> stillPending = pendingAmong(byDomain.get(domain), results);
                if (stillPending.isEmpty()) {
                    break;
                }
                attempt(host, mail, stillPending, false, results);
            }
        }
    }

    private void deliverViaFallbacks(Mail mail, Map<MailAddress, RecipientResult> results) {
        for (SmtpHost gateway : fallbackGateways) {
            List<MailAddress> stillPending = pending(results);
            if (stillPending.isEmpty()) {
                return;
            }
            attempt(gateway, mail, stillPending, true, results);
        }
    }

    private void attempt(SmtpHost host, Mail mail, List<MailAddress> recipients, boolean viaFallback,
                         Map<MailAddress, RecipientResult> results) {
        Optional<InetAddress> address = routeResolver.address(host);
        if (address.isEmpty()) {
            recipients.forEach(recipient -> results.put(recipient,
                RecipientResult.retryLater("host " + host + " does not resolve")));
            return;
        }
        if (loopGuard.isSelf(host, address.get())) {
            LOGGER.warn("Skipping host={}: it is this relay itself mail={}", host, mail.getName());
            recipients.forEach(recipient -> results.put(recipient,
                RecipientResult.retryLater("host " + host + " is this relay itself")));
            return;
        }
        LOGGER.debug("Attempting mail={} host={} recipients={} fallback={}", mail.getName(), host, recipients,
            viaFallback);
        results.putAll(smtpClient.send(host, address.get(), mail, recipients, viaFallback));
    }

    private static List<MailAddress> pending(Map<MailAddress, RecipientResult> results) {
        return pendingAmong(ImmutableList.copyOf(results.keySet()), results);
    }

    private static List<MailAddress> pendingAmong(List<MailAddress> candidates,
                                                  Map<MailAddress, RecipientResult> results) {
        return candidates.stream()
            .filter(recipient -> results.get(recipient).isTemporaryFailure())
            .collect(ImmutableList.toImmutableList());
    }
}
