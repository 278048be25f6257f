package io.ramspool.mailets.delivery;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.mail.MessagingException;

import org.apache.james.util.DurationParser;
import org.apache.mailet.MailetConfig;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Streams;

/**
 * The init parameters of {@code OneShotRemoteDelivery}, parsed once and checked. Immutable.
 *
 * <p>See the mailet's class Javadoc for what each key does. Any unknown key, or a value that does not parse or is out
 * of range, makes {@link #from(MailetConfig)} throw a {@link MessagingException} that names the key and the value.
 */
public final class DeliveryConfiguration {
    public static final String OUTGOING_QUEUE = "outgoingQueue";
    public static final String DEFAULT_OUTGOING_QUEUE = "oneshot-outgoing";
    public static final String DELIVERY_THREADS = "deliveryThreads";
    public static final String DEFAULT_DELIVERY_THREADS = "4";
    public static final String ROUTES = "routes";
    public static final String DEFAULT_ROUTES = "";
    public static final String FALLBACK_GATEWAYS = "fallbackGateways";
    public static final String DEFAULT_FALLBACK_GATEWAYS = "";
    public static final String MX_PORT = "mxPort";
    public static final String DEFAULT_MX_PORT = "25";
    public static final String CONNECT_TIMEOUT = "connectTimeout";
    public static final String DEFAULT_CONNECT_TIMEOUT = "10s";
    public static final String COMMAND_TIMEOUT = "commandTimeout";
    public static final String DEFAULT_COMMAND_TIMEOUT = "30s";
    public static final String DATA_TIMEOUT = "dataTimeout";
    public static final String DEFAULT_DATA_TIMEOUT = "60s";
    public static final String MAX_CONNECTIONS_PER_HOST = "maxConnectionsPerHost";
    public static final String DEFAULT_MAX_CONNECTIONS_PER_HOST = "2";
    public static final String CONNECTION_IDLE_TIME = "connectionIdleTime";
    public static final String DEFAULT_CONNECTION_IDLE_TIME = "30s";
    public static final String START_TLS = "startTls";
    public static final String DEFAULT_START_TLS = "opportunistic";
    public static final String TRUST_ALL_CERTIFICATES = "trustAllCertificates";
    public static final String DEFAULT_TRUST_ALL_CERTIFICATES = "false";
    public static final String HELLO_NAME = "helloName";
    public static final String BOUNCE_PROCESSOR = "bounceProcessor";
    public static final String ERROR_PROCESSOR = "errorProcessor";
    public static final String DEFAULT_ERROR_PROCESSOR = "error";
    public static final String RETRY_DELAY = "retryDelay";
    public static final String DEFAULT_RETRY_DELAY = "1m";
    public static final String MAX_RETRY_DELAY = "maxRetryDelay";
    public static final String DEFAULT_MAX_RETRY_DELAY = "1h";
    public static final String MAX_AGE = "maxAge";
    public static final String DEFAULT_MAX_AGE = "1d";
    public static final String MAX_HOPS = "maxHops";
    public static final String DEFAULT_MAX_HOPS = "50";
    public static final String LOCAL_SMTP_PORTS = "localSmtpPorts";
    public static final String DEFAULT_LOCAL_SMTP_PORTS = "25,465,587";

    public static final Set<String> KEYS = ImmutableSet.of(OUTGOING_QUEUE, DELIVERY_THREADS, ROUTES, FALLBACK_GATEWAYS,
        MX_PORT, CONNECT_TIMEOUT, COMMAND_TIMEOUT, DATA_TIMEOUT, MAX_CONNECTIONS_PER_HOST, CONNECTION_IDLE_TIME,
        START_TLS, TRUST_ALL_CERTIFICATES, HELLO_NAME, BOUNCE_PROCESSOR, ERROR_PROCESSOR, RETRY_DELAY,
        MAX_RETRY_DELAY, MAX_AGE, MAX_HOPS, LOCAL_SMTP_PORTS);

    private static final int MAX_THREADS = 1000;

    private final String outgoingQueue;
    private final int deliveryThreads;
    private final ImmutableMap<String, ImmutableList<SmtpHost>> routes;
    private final ImmutableList<SmtpHost> fallbackGateways;
    private final int mxPort;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final Duration dataTimeout;
    private final int maxConnectionsPerHost;
    private final Duration connectionIdleTime;
    private final StartTlsMode startTls;
    private final boolean trustAllCertificates;
    private final Optional<String> helloName;
    private final Optional<String> bounceProcessor;
    private final String errorProcessor;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;
    private final Duration maxAge;
    private final int maxHops;
    private final ImmutableSet<Integer> localSmtpPorts;

    private DeliveryConfiguration(Parameters parameters) throws MessagingException {
        this.outgoingQueue = parameters.nonBlank(OUTGOING_QUEUE, DEFAULT_OUTGOING_QUEUE);
        this.deliveryThreads = parameters.integer(DELIVERY_THREADS, DEFAULT_DELIVERY_THREADS, 1, MAX_THREADS);
        this.mxPort = parameters.integer(MX_PORT, DEFAULT_MX_PORT, 1, 65535);
        this.routes = parameters.parse(ROUTES, DEFAULT_ROUTES, DeliveryConfiguration::parseRoutes);
        this.fallbackGateways = parameters.parse(FALLBACK_GATEWAYS, DEFAULT_FALLBACK_GATEWAYS,
            DeliveryConfiguration::parseHostList);
        this.connectTimeout = parameters.duration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
        this.commandTimeout = parameters.duration(COMMAND_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
        this.dataTimeout = parameters.duration(DATA_TIMEOUT, DEFAULT_DATA_TIMEOUT);
        this.maxConnectionsPerHost = parameters.integer(MAX_CONNECTIONS_PER_HOST, DEFAULT_MAX_CONNECTIONS_PER_HOST,
            1, MAX_THREADS);
        this.connectionIdleTime = parameters.duration(CONNECTION_IDLE_TIME, DEFAULT_CONNECTION_IDLE_TIME);
        this.startTls = parameters.parse(START_TLS, DEFAULT_START_TLS,
            value -> StartTlsMode.parse(value).orElseThrow(() -> new IllegalArgumentException(
                "expected opportunistic, required or off")));
        this.trustAllCertificates = parameters.bool(TRUST_ALL_CERTIFICATES, DEFAULT_TRUST_ALL_CERTIFICATES);
        this.helloName = parameters.optional(HELLO_NAME);
        this.bounceProcessor = parameters.optional(BOUNCE_PROCESSOR);
        this.errorProcessor = parameters.nonBlank(ERROR_PROCESSOR, DEFAULT_ERROR_PROCESSOR);
        this.retryDelay = parameters.duration(RETRY_DELAY, DEFAULT_RETRY_DELAY);
        this.maxRetryDelay = parameters.duration(MAX_RETRY_DELAY, DEFAULT_MAX_RETRY_DELAY);
        this.maxAge = parameters.duration(MAX_AGE, DEFAULT_MAX_AGE);
        this.maxHops = parameters.integer(MAX_HOPS, DEFAULT_MAX_HOPS, 1, Integer.MAX_VALUE);
        this.localSmtpPorts = parameters.parse(LOCAL_SMTP_PORTS, DEFAULT_LOCAL_SMTP_PORTS,
            DeliveryConfiguration::parsePorts);
        if (maxRetryDelay.compareTo(retryDelay) < 0) {
            throw invalid(MAX_RETRY_DELAY, parameters.raw(MAX_RETRY_DELAY, DEFAULT_MAX_RETRY_DELAY),
                "must not be shorter than " + RETRY_DELAY);
        }
    }

    /**
     * Reads and checks every init parameter of the mailet.
     *
     * @throws MessagingException naming the key and the value of the first unknown or invalid parameter
     */
    public static DeliveryConfiguration from(MailetConfig config) throws MessagingException {
        Map<String, String> values = new HashMap<>();
        Streams.stream(config.getInitParameterNames())
            .forEach(key -> values.put(key, config.getInitParameter(key)));
        return from(values);
    }

    public static DeliveryConfiguration from(Map<String, String> values) throws MessagingException {
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (!KEYS.contains(entry.getKey())) {
                throw new MessagingException("Unknown init parameter '" + entry.getKey() + "' (value '"
                    + entry.getValue() + "'); known parameters: " + KEYS);
            }
        }
        return new DeliveryConfiguration(new Parameters(values));
    }

    private static ImmutableMap<String, ImmutableList<SmtpHost>> parseRoutes(String text) {
        ImmutableMap.Builder<String, ImmutableList<SmtpHost>> builder = ImmutableMap.builder();
        for (String route : splitNonEmpty(text, ";")) {
            int equals = route.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("route '" + route + "' is not domain=host[:port][,host[:port]]");
            }
            String domain = route.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            ImmutableList<SmtpHost> hosts = parseHostList(route.substring(equals + 1));
            if (domain.isEmpty() || hosts.isEmpty()) {
                throw new IllegalArgumentException("route '" + route + "' needs a domain and at least one host");
            }
            builder.put(domain, hosts);
        }
        return builder.buildOrThrow();
    }

    private static ImmutableList<SmtpHost> parseHostList(String text) {
        return splitNonEmpty(text, ",").stream()
            .map(host -> SmtpHost.parse(host, SmtpHost.DEFAULT_SMTP_PORT))
            .collect(ImmutableList.toImmutableList());
    }

    private static ImmutableSet<Integer> parsePorts(String text) {
        ImmutableSet<Integer> ports = splitNonEmpty(text, ",").stream()
            .map(Integer::parseInt)
            .collect(ImmutableSet.toImmutableSet());
        ports.forEach(port -> Preconditions.checkArgument(port > 0 && port <= 65535,
            "port must be in 1..65535, got %s", port));
        return ports;
    }

    private static ImmutableList<String> splitNonEmpty(String text, String separator) {
        return Arrays.stream(text.split(separator))
            .map(String::trim)
            .filter(part -> !part.isEmpty())
            .collect(ImmutableList.toImmutableList());
    }

    private static MessagingException invalid(String key, String value, String reason) {
        return new MessagingException(invalidMessage(key, value, reason));
    }

    private static String invalidMessage(String key, String value, String reason) {
        return "Invalid value '" + value + "' for init parameter '" + key + "': " + reason;
    }

    public String getOutgoingQueue() {
        return outgoingQueue;
    }

    public int getDeliveryThreads() {
        return deliveryThreads;
    }

    /** Static routes by lower-case domain; a routed domain is never looked up in DNS. */
    public ImmutableMap<String, ImmutableList<SmtpHost>> getRoutes() {
        return routes;
    }

    public ImmutableList<SmtpHost> getFallbackGateways() {
        return fallbackGateways;
    }

    public int getMxPort() {
        return mxPort;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public Duration getDataTimeout() {
        return dataTimeout;
    }

    public int getMaxConnectionsPerHost() {
        return maxConnectionsPerHost;
    }

    public Duration getConnectionIdleTime() {
        return connectionIdleTime;
    }

    public StartTlsMode getStartTls() {
        return startTls;
    }

    public boolean isTrustAllCertificates() {
        return trustAllCertificates;
    }

    public Optional<String> getHelloName() {
        return helloName;
    }

    public Optional<String> getBounceProcessor() {
        return bounceProcessor;
    }

    public String getErrorProcessor() {
        return errorProcessor;
    }

    public Duration getRetryDelay() {
        return retryDelay;
    }

    public Duration getMaxRetryDelay() {
        return maxRetryDelay;
    }

    public Duration getMaxAge() {
        return maxAge;
    }

    public int getMaxHops() {
        return maxHops;
    }

    public ImmutableSet<Integer> getLocalSmtpPorts() {
        return localSmtpPorts;
    }

    /** Raw values with their defaults, turned into typed values; every failure names the key and the value. */
    private static final class Parameters {
        private final Map<String, String> values;

        Parameters(Map<String, String> values) {
            this.values = values;
        }

        String raw(String key, String defaultValue) {
            return Optional.ofNullable(values.get(key)).orElse(defaultValue);
        }

        Optional<String> optional(String key) throws MessagingException {
            Optional<String> value = Optional.ofNullable(values.get(key)).map(String::trim);
            if (value.isPresent() && value.get().isEmpty()) {
                throw invalid(key, values.get(key), "must not be blank when given");
            }
            return value;
        }

        String nonBlank(String key, String defaultValue) throws MessagingException {
            return optional(key).orElse(defaultValue);
        }

        int integer(String key, String defaultValue, int min, int max) throws MessagingException {
            int value = parse(key, defaultValue, Integer::parseInt);
            if (value < min || value > max) {
                throw invalid(key, raw(key, defaultValue), "expected an integer in " + min + ".." + max);
            }
            return value;
        }

        boolean bool(String key, String defaultValue) throws MessagingException {
            return parse(key, defaultValue, value -> {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(value);
                }
                throw new IllegalArgumentException("expected true or false");
            });
        }

        Duration duration(String key, String defaultValue) throws MessagingException {
            Duration value = parse(key, defaultValue, DurationParser::parse);
            if (value.isZero()) {
                throw invalid(key, raw(key, defaultValue), "expected a positive duration such as 10s");
            }
            return value;
        }

        <T> T parse(String key, String defaultValue, Function<String, T> parser) throws MessagingException {
            String value = raw(key, defaultValue);
            try {
                return parser.apply(value.trim());
            } catch (IllegalArgumentException e) {
                throw new MessagingException(invalidMessage(key, value, String.valueOf(e.getMessage())), e);
            }
        }
    }
}
