package io.ramspool.mailets;

import java.io.IOException;
import java.time.Clock;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import io.ramspool.mailets.delivery.DeliveryConfiguration;
import io.ramspool.mailets.delivery.OneShotDeliveryService;

/**
 * Delivers each mail once, directly to the recipients' mail exchangers, and hands what fails temporarily to fallback
 * gateways instead of keeping it for retries (like Exim's {@code fallback_hosts} or Postfix's
 * {@code smtp_fallback_relay}).
 *
 * <p>{@link #service(Mail)} puts the mail into this mailet's own queue (named by {@code outgoingQueue}, created
 * through James's {@link MailQueueFactory}) and sets its state to GHOST. Delivery threads take mails from that queue
 * and, for each recipient domain, try the hosts of the static route table or else the MX hosts from James's
 * {@link DNSService} (the domain's own address when it has no MX), each host once, in preference order. Per recipient:
 * <ul>
 *     <li>accepted (250 after the final dot): done;</li>
 *     <li>5xx at MAIL, RCPT, DATA or after the final dot, or more {@code Received} headers than {@code maxHops}: a
 *     bounce to the sender through {@code bounceProcessor}, or through the mailet context's bounce when that is not
 *     set. A mail with a null sender is never bounced: it goes to {@code errorProcessor};</li>
 *     <li>4xx, refused or dropped connection, timeout, greeting or EHLO refused, no MX and no address, DNS failure:
 *     the next host, then the fallback gateways in order, with the same envelope (null sender kept) and only the
 *     recipients still undelivered;</li>
 *     <li>temporary failure at every fallback too: back into the queue with a delay of {@code retryDelay}, doubled at
 *     each pass up to {@code maxRetryDelay}; a retry tries the fallback gateways first, then the domain's hosts.
 *     Once the mail is older than {@code maxAge} it goes to {@code errorProcessor}.</li>
 * </ul>
 * Each group of recipients with the same fate travels as its own copy of the mail; the queue item is acknowledged
 * only when every recipient is delivered or stored in exactly one place. A host that is this relay itself (its port is
 * in {@code localSmtpPorts} and its name is {@code helloName} or the local host name, or its address is local) is never
 * used; a fallback gateway configured that way fails {@code init()}.
 *
 * <p>SMTP goes through JavaMail's {@code SMTPTransport}. Connections are kept open after a mail and reused for the
 * next mail to the same address and port; at most {@code maxConnectionsPerHost} are open to one host. A connection
 * whose last mail was accepted within the last two seconds carries the next mail at once; any other is checked with
 * RSET first. When the server has closed a connection reused without RSET, the mail is sent again over a checked or
 * new connection to the same host.
 *
 * <p>Init parameters (durations take a unit: ms, s, m, h, d; a bare number means milliseconds):
 * <ul>
 *     <li>{@code outgoingQueue} (string, default {@code oneshot-outgoing}): name of the mailet's own queue.</li>
 *     <li>{@code deliveryThreads} (integer 1..1000, default 4): threads delivering from that queue.</li>
 *     <li>{@code routes} (string, default empty): static routes {@code domain=host[:port][,host[:port]...]},
 *     separated by {@code ;}. A routed domain is not looked up in DNS; its hosts are tried in the order given.</li>
 *     <li>{@code fallbackGateways} (string, default empty): {@code host[:port]} list, comma separated, tried in order
 *     for recipients that failed temporarily. Default port 25.</li>
 *     <li>{@code mxPort} (integer, default 25): port used for hosts found in DNS.</li>
 *     <li>{@code connectTimeout} (duration, default 10s): TCP connect timeout.</li>
 *     <li>{@code commandTimeout} (duration, default 30s): wait for each server reply, including the greeting and the
 *     reply after the final dot.</li>
 *     <li>{@code dataTimeout} (duration, default 60s): limit on each write of the message data.</li>
 *     <li>{@code maxConnectionsPerHost} (integer 1..1000, default 2): open connections per address and port.</li>
 *     <li>{@code connectionIdleTime} (duration, default 30s): an unused connection is closed after this time.</li>
 *     <li>{@code startTls} ({@code opportunistic|required|off}, default {@code opportunistic}): with
 *     {@code required}, a host without STARTTLS counts as a temporary host failure.</li>
 *     <li>{@code trustAllCertificates} (boolean, default false): accept any certificate in STARTTLS; when false the
 *     chain is checked against the JVM's trust store.</li>
 *     <li>{@code helloName} (string, default the local host name): name sent in EHLO/HELO, also used for loop
 *     detection.</li>
 *     <li>{@code bounceProcessor} (string, default none): processor receiving permanently failed mails (with the
 *     {@code delivery-error} attribute, as RemoteDelivery sets it); when absent, the mailet context bounces.</li>
 *     <li>{@code errorProcessor} (string, default {@code error}): processor receiving null-sender permanent failures
 *     and mails older than {@code maxAge}.</li>
 *     <li>{@code retryDelay} (duration, default 1m): delay before the second pass.</li>
 *     <li>{@code maxRetryDelay} (duration, default 1h, not below {@code retryDelay}): cap of the doubling delay.</li>
 *     <li>{@code maxAge} (duration, default 1d): age after which a deferred mail goes to {@code errorProcessor}.</li>
 *     <li>{@code maxHops} (integer, default 50): more {@code Received} headers than this is a permanent failure.</li>
 *     <li>{@code localSmtpPorts} (integer list, default {@code 25,465,587}): ports this relay listens on, for loop
 *     detection.</li>
 * </ul>
 * An unknown parameter, or a value that does not parse or is out of range, fails {@code init()} with a
 * {@link MessagingException} naming the key and the value.
 *
 * <p>Limitations: JavaMail does not pipeline commands, so PIPELINING is not used. Only the first address of a host
 * is tried. The reply after the final dot is bounded by {@code commandTimeout}, since JavaMail has one read timeout.
 * With STARTTLS the certificate's host name is not verified, because connections go to resolved addresses. SIZE and
 * BODY=8BITMIME are declared when offered, but an 8-bit message is not down-converted for a server without 8BITMIME.
 * A domain with neither MX nor address is treated as a temporary failure (the fallback gateway decides). A mail
 * being delivered when the mailet is destroyed stays unacknowledged in the queue: a queue that redelivers such items
 * may deliver it twice, and James's memory queue loses it with the rest of its content.
 */
public class OneShotRemoteDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(OneShotRemoteDelivery.class);

    private final DNSService dnsService;
    private final MetricFactory metricFactory;
    private final MailQueueFactory<?> queueFactory;
    private final Clock clock;
    private MailQueue queue;
    private OneShotDeliveryService service;

    @Inject
    public OneShotRemoteDelivery(DNSService dnsService, MetricFactory metricFactory, MailQueueFactory<?> queueFactory) {
        this(dnsService, metricFactory, queueFactory, Clock.systemUTC());
    }

    @VisibleForTesting
    public OneShotRemoteDelivery(DNSService dnsService, MetricFactory metricFactory, MailQueueFactory<?> queueFactory,
                                 Clock clock) {
        this.dnsService = dnsService;
        this.metricFactory = metricFactory;
        this.queueFactory = queueFactory;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(getMailetConfig());
        queue = queueFactory.createQueue(MailQueueName.of(configuration.getOutgoingQueue()));
        service = OneShotDeliveryService.create(configuration, dnsService, metricFactory, queue, getMailetContext(),
            clock);
        service.start();
        LOGGER.info("One-shot delivery started queue={} threads={} fallbacks={} routes={}",
            configuration.getOutgoingQueue(), configuration.getDeliveryThreads(),
            configuration.getFallbackGateways().size(), configuration.getRoutes().size());
    }

    /** Queues {@code mail} for delivery and ends its journey through the processors (state GHOST). */
    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            mail.setState(Mail.GHOST);
            return;
        }
        service.getPlacer().markFirstSeen(mail);
        queue.enQueue(mail);
        mail.setState(Mail.GHOST);
    }

    @Override
    public void destroy() {
        if (service != null) {
            service.close();
        }
        if (queue != null) {
            try {
                queue.close();
            } catch (IOException e) {
                LOGGER.warn("Closing queue failed queue={}", queue.getName().asString(), e);
            }
        }
    }

    @Override
    public String getMailetInfo() {
        return "OneShotRemoteDelivery: one delivery attempt per mail, then fallback gateways";
    }

    @VisibleForTesting
    long getOpenedConnections() {
        return service.getOpenedConnections();
    }
}
