package io.ramspool.distribution;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide RMI socket factory that binds every RMI server socket to one address. James's JMX
 * server binds its registry to the configured address, but exports the connector on an anonymous
 * port through the default factory, which listens on all interfaces; installing this factory
 * first keeps that port on loopback too.
 */
final class LoopbackRmiSocketFactory extends RMISocketFactory {
    private static final Logger LOGGER = LoggerFactory.getLogger(LoopbackRmiSocketFactory.class);
    private static final int BACKLOG = 50;

    private final InetAddress bindAddress;

    private LoopbackRmiSocketFactory(InetAddress bindAddress) {
        this.bindAddress = bindAddress;
    }

    /**
     * Installs the factory for {@code bindAddress} unless a factory is already installed (the JVM
     * allows one; a second relay started in the same JVM, as in tests, keeps the first).
     */
    static synchronized void install(InetAddress bindAddress) {
        if (RMISocketFactory.getSocketFactory() != null) {
            return;
        }
        try {
            RMISocketFactory.setSocketFactory(new LoopbackRmiSocketFactory(bindAddress));
            System.setProperty("java.rmi.server.hostname", bindAddress.getHostAddress());
            LOGGER.info("RMI server sockets restricted to address={}", bindAddress.getHostAddress());
        } catch (IOException e) {
            throw new RelayStartupException("cannot restrict RMI (JMX) to " + bindAddress.getHostAddress() + ": " + e,
                e);
        }
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new ServerSocket(port, BACKLOG, bindAddress);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new Socket(host, port);
    }
}
