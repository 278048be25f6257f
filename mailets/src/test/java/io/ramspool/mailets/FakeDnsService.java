package io.ramspool.mailets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;

import com.google.common.collect.ImmutableList;

/**
 * A DNS service for tests: answers only what the test registered, so that nothing reaches a real resolver.
 */
final class FakeDnsService implements DNSService {
    private final Map<String, ImmutableList<String>> mxRecords = new ConcurrentHashMap<>();
    private final Map<String, InetAddress> addresses = new ConcurrentHashMap<>();
    private final Set<String> temporaryFailures = ConcurrentHashMap.newKeySet();

    FakeDnsService registerMx(String domain, String... exchangers) {
        mxRecords.put(domain, ImmutableList.copyOf(exchangers));
        return this;
    }

    FakeDnsService registerAddress(String host, InetAddress address) {
        addresses.put(host, address);
        return this;
    }

    FakeDnsService failTemporarily(String domain) {
        temporaryFailures.add(domain);
        return this;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) throws TemporaryResolutionException {
        if (temporaryFailures.contains(hostname)) {
            throw new TemporaryResolutionException("SERVFAIL for " + hostname);
        }
        return mxRecords.getOrDefault(hostname, ImmutableList.of());
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return ImmutableList.of();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        return ImmutableList.of(getByName(host));
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        InetAddress address = addresses.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return address;
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return InetAddress.getByAddress("relay.ramspool.test", new byte[] {127, 0, 0, 1});
    }

    @Override
    public String getHostName(InetAddress addr) {
        return addr.getHostAddress();
    }
}
