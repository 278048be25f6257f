package io.ramspool.mailets.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.net.InetAddresses;

/**
 * Finds the hosts a recipient domain is delivered to: the static route table first, then MX records through James's
 * DNS service, then the domain's own address when it has no MX. Thread-safe.
 */
final class RouteResolver {
    private static final Logger LOGGER = LoggerFactory.getLogger(RouteResolver.class);

    private final DNSService dnsService;
    private final ImmutableMap<String, ImmutableList<SmtpHost>> routes;
    private final int mxPort;

    RouteResolver(DNSService dnsService, ImmutableMap<String, ImmutableList<SmtpHost>> routes, int mxPort) {
        this.dnsService = dnsService;
        this.routes = routes;
        this.mxPort = mxPort;
    }

    /**
     * The hosts to try for {@code domain}, in preference order. Empty means the domain cannot be resolved now; the
     * caller treats that as a temporary failure (the fallback gateway gets the recipients).
     */
    ImmutableList<SmtpHost> resolve(String domain) {
        String key = domain.toLowerCase(Locale.ROOT);
        ImmutableList<SmtpHost> routed = routes.get(key);
        if (routed != null) {
            return routed;
        }
        return lookUpMx(key);
    }

    /** The address to connect to for {@code host}; empty when the name does not resolve. */
    Optional<InetAddress> address(SmtpHost host) {
        if (InetAddresses.isInetAddress(host.getHost())) {
            return Optional.of(InetAddresses.forString(host.getHost()));
        }
        try {
            return Optional.of(dnsService.getByName(host.getHost()));
        } catch (UnknownHostException e) {
            LOGGER.debug("No address for host={}", host, e);
            return Optional.empty();
        }
    }

    private ImmutableList<SmtpHost> lookUpMx(String domain) {
        try {
            Collection<String> exchangers = dnsService.findMXRecords(domain);
            if (!exchangers.isEmpty()) {
                return exchangers.stream()
                    .map(exchanger -> SmtpHost.of(stripTrailingDot(exchanger), mxPort))
                    .collect(ImmutableList.toImmutableList());
            }
            return addressFallback(domain);
        } catch (TemporaryResolutionException e) {
            LOGGER.debug("Temporary DNS failure for domain={}", domain, e);
            return ImmutableList.of();
        }
    }

    private ImmutableList<SmtpHost> addressFallback(String domain) {
        try {
            Collection<InetAddress> addresses = dnsService.getAllByName(domain);
            if (addresses.isEmpty()) {
                return ImmutableList.of();
            }
            return ImmutableList.of(SmtpHost.of(domain, mxPort));
        } catch (UnknownHostException e) {
            LOGGER.debug("Neither MX nor address record for domain={}", domain, e);
            return ImmutableList.of();
        }
    }

    private static String stripTrailingDot(String name) {
        if (name.endsWith(".")) {
            return name.substring(0, name.length() - 1);
        }
        return name;
    }
}
