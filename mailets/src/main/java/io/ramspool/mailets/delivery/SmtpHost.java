package io.ramspool.mailets.delivery;

import java.util.Locale;
import java.util.Objects;

import com.google.common.base.Preconditions;
import com.google.common.net.HostAndPort;

/**
 * A host name (or address literal) and a TCP port that an SMTP connection is opened to. Immutable.
 */
public final class SmtpHost {
    public static final int DEFAULT_SMTP_PORT = 25;

    private final String host;
    private final int port;

    private SmtpHost(String host, int port) {
        Preconditions.checkArgument(!host.isBlank(), "host must not be blank");
        Preconditions.checkArgument(port > 0 && port <= 65535, "port must be in 1..65535, got %s", port);
        this.host = host.toLowerCase(Locale.ROOT);
        this.port = port;
    }

    public static SmtpHost of(String host, int port) {
        return new SmtpHost(host, port);
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [v6-literal]:port}; the port defaults to {@code defaultPort}.
     *
     * @throws IllegalArgumentException when the text is not a host with an optional valid port
     */
    public static SmtpHost parse(String text, int defaultPort) {
        HostAndPort parsed = HostAndPort.fromString(text.trim()).withDefaultPort(defaultPort);
        return new SmtpHost(parsed.getHost(), parsed.getPort());
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof SmtpHost) {
            SmtpHost that = (SmtpHost) o;
            return port == that.port && host.equals(that.host);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port);
    }

    @Override
    public String toString() {
        return HostAndPort.fromParts(host, port).toString();
    }
}
