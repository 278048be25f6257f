package io.ramspool.mailets.delivery;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Locale;

import com.google.common.collect.ImmutableSet;
import com.google.common.net.InetAddresses;

/**
 * Tells whether a host is this relay itself, so that a mail is never handed back to us. A host is "self" when its port
 * is one of our SMTP ports and either its name is one of our names or its address belongs to this machine. Thread-safe.
 */
final class LoopGuard {
    private final ImmutableSet<String> ownNames;
    private final ImmutableSet<Integer> localPorts;

    LoopGuard(ImmutableSet<String> ownNames, ImmutableSet<Integer> localPorts) {
        this.ownNames = ownNames.stream()
            .map(name -> name.toLowerCase(Locale.ROOT))
            .collect(ImmutableSet.toImmutableSet());
        this.localPorts = localPorts;
    }

    /** Decides from the name alone, or from the address when the name is an address literal. */
    boolean isSelf(SmtpHost host) {
        if (InetAddresses.isInetAddress(host.getHost())) {
            return isSelf(host, InetAddresses.forString(host.getHost()));
        }
        return localPorts.contains(host.getPort()) && ownNames.contains(host.getHost());
    }

    boolean isSelf(SmtpHost host, InetAddress address) {
        return localPorts.contains(host.getPort())
            && (ownNames.contains(host.getHost()) || isLocal(address));
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
