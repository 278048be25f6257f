package io.ramspool.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A peer that accepts TCP connections on loopback and never says a word: a gateway that hangs.
 * A client waits for the greeting until its own timeout. {@link #close()} drops every connection
 * and frees the port for the gateway that "comes back".
 */
final class StallingServer implements AutoCloseable {
    private final ServerSocket serverSocket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private StallingServer(ServerSocket serverSocket) {
        this.serverSocket = serverSocket;
        this.acceptor = new Thread(this::acceptForever, "stalling-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static StallingServer listen(int port) {
        try {
            return new StallingServer(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void acceptForever() {
        while (!serverSocket.isClosed()) {
            try {
                held.add(serverSocket.accept());
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
            for (Socket socket : held) {
                socket.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the stalling server", e);
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
