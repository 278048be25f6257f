package io.ramspool.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;

import io.ramspool.mailets.ScriptedSmtpServer.Stage;
import io.ramspool.mailets.delivery.DeliveryMetrics;
import io.ramspool.mailets.delivery.MailPlacer;

class OneShotRemoteDeliveryIntegrationTest {
    private static final String DOMAIN = "dest.test";
    private static final String RECIPIENT = "user@dest.test";
    private static final String SENDER = "sender@origin.test";
    private static final String QUEUE = "oneshot-outgoing";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    final GreenMailExtension mxServer = new GreenMailExtension(smtpOnLoopback());
    @RegisterExtension
    final GreenMailExtension fallbackGateway = new GreenMailExtension(smtpOnLoopback());

    private final List<ScriptedSmtpServer> scriptedServers = new ArrayList<>();
    private final Map<String, Supplier<List<String>>> places = new LinkedHashMap<>();
    private MemoryMailQueueFactory queueFactory;
    private FakeMailContext mailContext;
    private RecordingMetricFactory metricFactory;
    private FakeDnsService dnsService;
    private MutableClock clock;
    private OneShotRemoteDelivery testee;

    @BeforeEach
    void setUp() {
        queueFactory = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
        mailContext = FakeMailContext.defaultContext();
        metricFactory = new RecordingMetricFactory();
        dnsService = new FakeDnsService();
        clock = new MutableClock();
        places.put("bounced", this::bouncedRecipients);
        places.put("error", () -> sentRecipients("error"));
        places.put("queued", this::queuedRecipients);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (testee != null) {
            testee.destroy();
        }
        for (ScriptedSmtpServer server : scriptedServers) {
            server.close();
        }
    }

    @Test
    void deliveryShouldReachMxWhenMxAccepts() throws Exception {
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + greenMailAddress(mxServer),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("direct", ImmutableList.of(RECIPIENT)));
        assertThat(metricFactory.countFor(DeliveryMetrics.OUTCOME_PREFIX + "direct")).isEqualTo(1);
        assertThat(metricFactory.executionTimesFor(DeliveryMetrics.LATENCY)).hasSize(1);
    }

    @Test
    void serviceShouldGhostTheMailOnceQueued() throws Exception {
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + greenMailAddress(mxServer)));
        Mail mail = mail(SENDER, RECIPIENT);

        testee.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void deliveryShouldUseFallbackWhenMxRefusesConnection() throws Exception {
        startTestee(ImmutableMap.of("routes", DOMAIN + "=127.0.0.1:" + ScriptedSmtpServer.refusedPort(),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("fallback", ImmutableList.of(RECIPIENT)));
        assertThat(metricFactory.countFor(DeliveryMetrics.OUTCOME_PREFIX + "fallback")).isEqualTo(1);
    }

    @Test
    void deliveryShouldTrySecondMxBeforeFallbackWhenFirstMxRefusesConnection() throws Exception {
        startTestee(ImmutableMap.of(
            "routes", DOMAIN + "=127.0.0.1:" + ScriptedSmtpServer.refusedPort() + "," + greenMailAddress(mxServer),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("direct", ImmutableList.of(RECIPIENT)));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void deliveryShouldUseFallbackWhenMxAnswers4xx(Stage stage) throws Exception {
        ScriptedSmtpServer mx = scriptedServer().replyAt(stage, "451 4.3.0 try again later");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("fallback", ImmutableList.of(RECIPIENT)));
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"MAIL", "RCPT", "DATA", "DOT"})
    void deliveryShouldBounceWhenMxAnswers5xxInTransaction(Stage stage) throws Exception {
        ScriptedSmtpServer mx = scriptedServer().replyAt(stage, "550 5.7.1 rejected");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("bounced", ImmutableList.of(RECIPIENT)));
        assertThat(mailContext.getBouncedMails())
            .singleElement()
            .satisfies(bounce -> assertThat(bounce.getMessage()).contains("550 5.7.1 rejected"));
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"CONNECT", "EHLO"})
    void deliveryShouldUseFallbackWhenMxAnswers5xxBeforeTransaction(Stage stage) throws Exception {
        ScriptedSmtpServer mx = scriptedServer().replyAt(stage, "554 5.3.2 no service here");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("fallback", ImmutableList.of(RECIPIENT)));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void deliveryShouldUseFallbackWhenMxStallsPastTimeout(Stage stage) throws Exception {
        ScriptedSmtpServer mx = scriptedServer().stallAt(stage);
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", greenMailAddress(fallbackGateway),
            "commandTimeout", "500ms"));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("fallback", ImmutableList.of(RECIPIENT)));
        assertThat(mx.getAccepted()).isEmpty();
    }

    @Test
    void bounceShouldGoToBounceProcessorWhenConfigured() throws Exception {
        ScriptedSmtpServer mx = scriptedServer().replyAt(Stage.RCPT, "550 5.1.1 no such user");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "bounceProcessor", "bounces"));
        places.put("bounceProcessor", () -> sentRecipients("bounces"));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("bounceProcessor", ImmutableList.of(RECIPIENT)));
        assertThat(mailContext.getSentMails())
            .singleElement()
            .satisfies(sent -> assertThat(sent.getAttributes()).containsKey(MailPlacer.DELIVERY_ERROR));
    }

    @Test
    void nullSenderMailShouldReachFallbackWhenMxFailsTemporarily() throws Exception {
        ScriptedSmtpServer mx = scriptedServer().replyAt(Stage.RCPT, "452 4.2.2 mailbox full");
        ScriptedSmtpServer fallback = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", fallback.getAddress()));

        testee.service(nullSenderMail(RECIPIENT));

        await().atMost(WAIT).untilAsserted(() -> assertThat(fallback.getAccepted()).hasSize(1));
        assertThat(fallback.getAccepted().get(0).getSender()).isEmpty();
        assertThat(fallback.getAccepted().get(0).getRecipients()).containsExactly(RECIPIENT);
        assertThat(mx.getAccepted()).isEmpty();
        assertThat(mailContext.getSentMails()).isEmpty();
        assertThat(mailContext.getBouncedMails()).isEmpty();
    }

    @Test
    void nullSenderMailShouldGoToErrorProcessorInsteadOfBouncing() throws Exception {
        ScriptedSmtpServer mx = scriptedServer().replyAt(Stage.RCPT, "550 5.1.1 no such user");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(nullSenderMail(RECIPIENT));

        awaitPlaces(ImmutableMap.of("error", ImmutableList.of(RECIPIENT)));
        assertThat(metricFactory.countFor(DeliveryMetrics.OUTCOME_PREFIX + "error")).isEqualTo(1);
    }

    @Test
    void mixedOutcomesShouldPlaceEachRecipientExactlyOnce() throws Exception {
        ScriptedSmtpServer mx = scriptedServer()
            .replyToRecipient("gone@dest.test", "550 5.1.1 no such user")
            .replyToRecipient("full@dest.test", "452 4.2.2 mailbox full");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, "ok@dest.test", "gone@dest.test", "full@dest.test"));

        awaitPlaces(ImmutableMap.of(
            "direct", ImmutableList.of("ok@dest.test"),
            "fallback", ImmutableList.of("full@dest.test"),
            "bounced", ImmutableList.of("gone@dest.test")));
        assertThat(metricFactory.countForPrefixName(DeliveryMetrics.OUTCOME_PREFIX)).contains(
            Map.entry(DeliveryMetrics.OUTCOME_PREFIX + "direct", 1),
            Map.entry(DeliveryMetrics.OUTCOME_PREFIX + "fallback", 1),
            Map.entry(DeliveryMetrics.OUTCOME_PREFIX + "bounced", 1));
    }

    @Test
    void mixedDomainsShouldEachUseTheirOwnRoute() throws Exception {
        ScriptedSmtpServer other = scriptedServer().replyAt(Stage.RCPT, "451 4.3.0 later");
        startTestee(ImmutableMap.of(
            "routes", DOMAIN + "=" + greenMailAddress(mxServer) + ";other.test=" + other.getAddress(),
            "fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT, "someone@other.test"));

        awaitPlaces(ImmutableMap.of(
            "direct", ImmutableList.of(RECIPIENT),
            "fallback", ImmutableList.of("someone@other.test")));
    }

    @Test
    void deliveryShouldRequeueWhenEveryFallbackFailsTemporarily() throws Exception {
        ScriptedSmtpServer firstFallback = scriptedServer().replyAt(Stage.RCPT, "451 4.3.0 later");
        ScriptedSmtpServer secondFallback = scriptedServer().replyAt(Stage.CONNECT, "421 4.3.2 busy");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=127.0.0.1:" + ScriptedSmtpServer.refusedPort(),
            "fallbackGateways", firstFallback.getAddress() + "," + secondFallback.getAddress(),
            "retryDelay", "1h"));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("queued", ImmutableList.of(RECIPIENT)));
        assertThat(firstFallback.getConnectionCount()).isEqualTo(1);
        assertThat(secondFallback.getConnectionCount()).isEqualTo(1);
        assertThat(queuedMails()).singleElement()
            .satisfies(queued -> assertThat(MailPlacer.attempts(queued)).isEqualTo(1));
    }

    @Test
    void deferredMailShouldReachFallbackOnRetry() throws Exception {
        ScriptedSmtpServer fallback = scriptedServer().replyAt(Stage.RCPT, "451 4.3.0 later");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=127.0.0.1:" + ScriptedSmtpServer.refusedPort(),
            "fallbackGateways", fallback.getAddress(), "retryDelay", "300ms"));
        testee.service(mail(SENDER, RECIPIENT));
        await().atMost(WAIT).until(() -> fallback.getConnectionCount() >= 1);

        fallback.clearReplies();

        awaitPlaces(ImmutableMap.of("fallback", ImmutableList.of(RECIPIENT)));
    }

    @Test
    void deferredMailShouldGoToErrorProcessorWhenOlderThanMaxAge() throws Exception {
        ScriptedSmtpServer fallback = scriptedServer().replyAt(Stage.RCPT, "451 4.3.0 later");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=127.0.0.1:" + ScriptedSmtpServer.refusedPort(),
            "fallbackGateways", fallback.getAddress(), "retryDelay", "300ms", "maxAge", "1h"));
        testee.service(mail(SENDER, RECIPIENT));
        await().atMost(WAIT).until(() -> fallback.getConnectionCount() >= 1);

        clock.advance(Duration.ofHours(2));

        awaitPlaces(ImmutableMap.of("error", ImmutableList.of(RECIPIENT)));
    }

    @Test
    void connectionShouldBeReusedForConsecutiveMailsToTheSameHost() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "deliveryThreads", "1"));

        for (int i = 0; i < 5; i++) {
            testee.service(mail(SENDER, RECIPIENT));
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(5));
        assertThat(mx.getConnectionCount()).isEqualTo(1);
        assertThat(mx.getResetCount())
            .describedAs("a connection whose last mail was just accepted needs no RSET")
            .isZero();
        assertThat(testee.getOpenedConnections()).isEqualTo(1);
    }

    @Test
    void connectionIdleForAWhileShouldBeCheckedWithRsetBeforeReuse() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "deliveryThreads", "1"));
        testee.service(mail(SENDER, RECIPIENT));
        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(1));

        clock.advance(Duration.ofSeconds(10));
        testee.service(mail(SENDER, RECIPIENT));

        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(2));
        assertThat(mx.getResetCount()).isEqualTo(1);
        assertThat(mx.getConnectionCount()).isEqualTo(1);
    }

    @Test
    void connectionAfterARefusedRecipientShouldBeCheckedWithRset() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        mx.replyToRecipient("gone@dest.test", "550 5.1.1 no such user");
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "deliveryThreads", "1"));
        testee.service(mail(SENDER, "gone@dest.test", RECIPIENT));
        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(1));

        testee.service(mail(SENDER, RECIPIENT));

        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(2));
        assertThat(mx.getResetCount()).isEqualTo(1);
    }

    @Test
    void mailShouldReachTheSameHostWhenItClosedTheReusedConnection() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        ScriptedSmtpServer fallback = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "deliveryThreads", "1",
            "fallbackGateways", fallback.getAddress()));
        testee.service(mail(SENDER, RECIPIENT));
        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(1));

        mx.hangUpOpenConnections();
        testee.service(mail(SENDER, RECIPIENT));

        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(2));
        assertThat(mx.getConnectionCount()).isEqualTo(2);
        assertThat(fallback.getConnectionCount()).isZero();
    }

    @Test
    void connectionShouldBeReopenedWhenIdleLongerThanConnectionIdleTime() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "deliveryThreads", "1",
            "connectionIdleTime", "1m"));
        testee.service(mail(SENDER, RECIPIENT));
        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(1));

        clock.advance(Duration.ofMinutes(2));
        testee.service(mail(SENDER, RECIPIENT));

        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(2));
        assertThat(mx.getConnectionCount()).isEqualTo(2);
    }

    @Test
    void connectionsToOneHostShouldNotExceedTheLimit() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "deliveryThreads", "4",
            "maxConnectionsPerHost", "2"));

        for (int i = 0; i < 12; i++) {
            testee.service(mail(SENDER, RECIPIENT));
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAccepted()).hasSize(12));
        assertThat(mx.getMaxOpenConnections()).isLessThanOrEqualTo(2);
    }

    @Test
    void deliveryShouldUseMxRecordsFromDnsWhenDomainHasNoRoute() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        dnsService.registerMx(DOMAIN, "mx1.dest.test.")
            .registerAddress("mx1.dest.test", InetAddress.getLoopbackAddress());
        startTestee(ImmutableMap.of("mxPort", String.valueOf(mx.getPort())));

        testee.service(mail(SENDER, RECIPIENT));

        await().atMost(WAIT).untilAsserted(() -> assertThat(mx.getAcceptedRecipients()).containsExactly(RECIPIENT));
    }

    @Test
    void deliveryShouldUseFallbackWhenDnsFailsTemporarily() throws Exception {
        dnsService.failTemporarily(DOMAIN);
        startTestee(ImmutableMap.of("fallbackGateways", greenMailAddress(fallbackGateway)));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("fallback", ImmutableList.of(RECIPIENT)));
    }

    @Test
    void deliveryShouldRequeueWhenStartTlsIsRequiredButNotOffered() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        ScriptedSmtpServer fallback = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(),
            "fallbackGateways", fallback.getAddress(), "startTls", "required", "retryDelay", "1h"));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("queued", ImmutableList.of(RECIPIENT)));
        assertThat(mx.getConnectionCount()).isEqualTo(1);
        assertThat(fallback.getConnectionCount()).isEqualTo(1);
    }

    @Test
    void deliveryShouldBounceWithoutSendingWhenHopLimitIsExceeded() throws Exception {
        ScriptedSmtpServer mx = scriptedServer();
        startTestee(ImmutableMap.of("routes", DOMAIN + "=" + mx.getAddress(), "maxHops", "2"));

        testee.service(mailWithReceivedHeaders(3));

        awaitPlaces(ImmutableMap.of("bounced", ImmutableList.of(RECIPIENT)));
        assertThat(mx.getConnectionCount()).isZero();
    }

    @Test
    void fallbackResolvingToThisRelayShouldBeSkipped() throws Exception {
        dnsService.registerAddress("gateway.test", InetAddress.getLoopbackAddress());
        startTestee(ImmutableMap.of("routes", DOMAIN + "=127.0.0.1:" + ScriptedSmtpServer.refusedPort(),
            "fallbackGateways", "gateway.test:" + greenMailPort(fallbackGateway),
            "localSmtpPorts", String.valueOf(greenMailPort(fallbackGateway)), "retryDelay", "1h"));

        testee.service(mail(SENDER, RECIPIENT));

        awaitPlaces(ImmutableMap.of("queued", ImmutableList.of(RECIPIENT)));
    }

    @Test
    void initShouldFailWhenFallbackGatewayIsThisRelay() {
        OneShotRemoteDelivery mailet = new OneShotRemoteDelivery(dnsService, metricFactory, queueFactory, clock);

        assertThatThrownBy(() -> mailet.init(config(ImmutableMap.of("fallbackGateways", "relay.ramspool.test:25"))))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("fallbackGateways")
            .hasMessageContaining("relay.ramspool.test:25");
    }

    @Test
    void initShouldFailOnUnknownParameter() {
        OneShotRemoteDelivery mailet = new OneShotRemoteDelivery(dnsService, metricFactory, queueFactory, clock);

        assertThatThrownBy(() -> mailet.init(config(ImmutableMap.of("gateway", "smtp.example.com"))))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("gateway")
            .hasMessageContaining("smtp.example.com");
    }

    private void startTestee(Map<String, String> parameters) throws MessagingException {
        testee = new OneShotRemoteDelivery(dnsService, metricFactory, queueFactory, clock);
        Map<String, String> withDefaults = new HashMap<>(ImmutableMap.of("connectTimeout", "2s",
            "commandTimeout", "5s", "helloName", "relay.ramspool.test"));
        withDefaults.putAll(parameters);
        testee.init(config(withDefaults));
        registerPlace("direct", hostsOf(parameters.get("routes")));
        registerPlace("fallback", hostsOf(parameters.get("fallbackGateways")));
    }

    private void registerPlace(String place, List<String> hosts) {
        if (hosts.contains(greenMailAddress(mxServer))) {
            addPlace(place, () -> greenMailRecipients(mxServer));
        }
        if (hosts.contains(greenMailAddress(fallbackGateway))) {
            addPlace(place, () -> greenMailRecipients(fallbackGateway));
        }
        scriptedServers.stream()
            .filter(server -> hosts.contains(server.getAddress()))
            .forEach(server -> addPlace(place, server::getAcceptedRecipients));
    }

    private void addPlace(String place, Supplier<List<String>> recipients) {
        places.merge(place, recipients, (first, second) -> () -> ImmutableList.<String>builder()
            .addAll(first.get())
            .addAll(second.get())
            .build());
    }

    private static List<String> hostsOf(String parameter) {
        if (parameter == null) {
            return ImmutableList.of();
        }
        return Arrays.stream(parameter.split("[=,;]"))
            .map(String::trim)
            .collect(Collectors.toList());
    }

    private FakeMailetConfig config(Map<String, String> parameters) {
        FakeMailetConfig.Builder builder = FakeMailetConfig.builder()
            .mailetName("OneShotRemoteDelivery")
            .mailetContext(mailContext);
        parameters.forEach(builder::setProperty);
        return builder.build();
    }

    private ScriptedSmtpServer scriptedServer() throws IOException {
        ScriptedSmtpServer server = ScriptedSmtpServer.start();
        scriptedServers.add(server);
        return server;
    }

    private void awaitPlaces(Map<String, List<String>> expected) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(whereRecipientsAre()).isEqualTo(expected));
    }

    private Map<String, List<String>> whereRecipientsAre() {
        Map<String, List<String>> found = new LinkedHashMap<>();
        places.forEach((place, recipients) -> {
            List<String> sorted = recipients.get().stream().sorted().collect(Collectors.toList());
            if (!sorted.isEmpty()) {
                found.put(place, sorted);
            }
        });
        return found;
    }

    private List<String> bouncedRecipients() {
        return mailContext.getBouncedMails().stream()
            .flatMap(bounce -> bounce.getSentMail().getRecipients().stream())
            .map(MailAddress::asString)
            .collect(Collectors.toList());
    }

    private List<String> sentRecipients(String state) {
        return mailContext.getSentMails().stream()
            .filter(sent -> sent.getState().equals(state))
            .flatMap(sent -> sent.getRecipients().stream())
            .map(MailAddress::asString)
            .collect(Collectors.toList());
    }

    private List<String> queuedRecipients() {
        return queuedMails().stream()
            .flatMap(mail -> mail.getRecipients().stream())
            .map(MailAddress::asString)
            .collect(Collectors.toList());
    }

    private List<Mail> queuedMails() {
        List<Mail> mails = new ArrayList<>();
        queueFactory.getQueue(MailQueueName.of(QUEUE))
            .ifPresent(queue -> {
                try {
                    queue.browse().forEachRemaining(item -> mails.add(item.getMail()));
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot browse queue " + QUEUE, e);
                }
            });
        return mails;
    }

    private static List<String> greenMailRecipients(GreenMailExtension server) {
        List<String> recipients = new ArrayList<>();
        for (GreenMailUser user : server.getUserManager().listUser()) {
            try {
                int count = server.getManagers().getImapHostManager().getInbox(user).getMessageCount();
                for (int i = 0; i < count; i++) {
                    recipients.add(user.getEmail());
                }
            } catch (FolderException e) {
                throw new IllegalStateException("Cannot read inbox of " + user.getEmail(), e);
            }
        }
        return recipients;
    }

    private static ServerSetup smtpOnLoopback() {
        return new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
    }

    private static String greenMailAddress(GreenMailExtension server) {
        return "127.0.0.1:" + greenMailPort(server);
    }

    private static int greenMailPort(GreenMailExtension server) {
        return server.getSmtp().getPort();
    }

    private static Mail mail(String sender, String... recipients) throws MessagingException {
        return FakeMail.builder()
            .name("mail-" + System.nanoTime())
            .sender(sender)
            .recipients(recipients)
            .mimeMessage(message())
            .build();
    }

    private static Mail nullSenderMail(String recipient) throws MessagingException {
        return FakeMail.builder()
            .name("bounce-" + System.nanoTime())
            .sender(MailAddress.nullSender())
            .recipients(recipient)
            .mimeMessage(message())
            .build();
    }

    private static Mail mailWithReceivedHeaders(int count) throws MessagingException {
        MimeMessageBuilder message = message();
        for (int i = 0; i < count; i++) {
            message.addHeader("Received", "from hop" + i + ".test by hop" + (i + 1) + ".test");
        }
        return FakeMail.builder()
            .name("looping-" + System.nanoTime())
            .sender(SENDER)
            .recipients(RECIPIENT)
            .mimeMessage(message)
            .build();
    }

    private static MimeMessageBuilder message() throws MessagingException {
        return MimeMessageBuilder.mimeMessageBuilder()
            .setSubject("one shot")
            .setText("hello")
            .addFrom(SENDER)
            .addToRecipient(RECIPIENT);
    }
}
