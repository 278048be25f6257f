package io.ramspool.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

class DeliveryConfigurationTest {
    @Test
    void fromShouldApplyDefaultsWhenNoParameterIsGiven() throws Exception {
        DeliveryConfiguration testee = DeliveryConfiguration.from(ImmutableMap.of());

        assertThat(testee.getOutgoingQueue()).isEqualTo("oneshot-outgoing");
        assertThat(testee.getDeliveryThreads()).isEqualTo(4);
        assertThat(testee.getRoutes()).isEmpty();
        assertThat(testee.getFallbackGateways()).isEmpty();
        assertThat(testee.getMxPort()).isEqualTo(25);
        assertThat(testee.getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(testee.getCommandTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(testee.getDataTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(testee.getMaxConnectionsPerHost()).isEqualTo(2);
        assertThat(testee.getConnectionIdleTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(testee.getStartTls()).isEqualTo(StartTlsMode.OPPORTUNISTIC);
        assertThat(testee.isTrustAllCertificates()).isFalse();
        assertThat(testee.getHelloName()).isEmpty();
        assertThat(testee.getBounceProcessor()).isEmpty();
        assertThat(testee.getErrorProcessor()).isEqualTo("error");
        assertThat(testee.getRetryDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(testee.getMaxRetryDelay()).isEqualTo(Duration.ofHours(1));
        assertThat(testee.getMaxAge()).isEqualTo(Duration.ofDays(1));
        assertThat(testee.getMaxHops()).isEqualTo(50);
        assertThat(testee.getLocalSmtpPorts()).containsExactly(25, 465, 587);
    }

    @Test
    void fromShouldParseRoutesInOrder() throws Exception {
        DeliveryConfiguration testee = DeliveryConfiguration.from(ImmutableMap.of("routes",
            "Example.COM=127.0.0.1:2525, mx2.example.com ; other.org=[::1]:2526"));

        assertThat(testee.getRoutes()).isEqualTo(ImmutableMap.of(
            "example.com", ImmutableList.of(SmtpHost.of("127.0.0.1", 2525), SmtpHost.of("mx2.example.com", 25)),
            "other.org", ImmutableList.of(SmtpHost.of("::1", 2526))));
    }

    @Test
    void fromShouldParseFallbackGatewaysInOrder() throws Exception {
        DeliveryConfiguration testee = DeliveryConfiguration.from(ImmutableMap.of("fallbackGateways",
            "relay2.example.net:2525,relay1.example.net"));

        assertThat(testee.getFallbackGateways())
            .containsExactly(SmtpHost.of("relay2.example.net", 2525), SmtpHost.of("relay1.example.net", 25));
    }

    @Test
    void fromShouldParseOptionalProcessors() throws Exception {
        DeliveryConfiguration testee = DeliveryConfiguration.from(ImmutableMap.of("bounceProcessor", "bounces",
            "errorProcessor", "relay-error", "startTls", "REQUIRED", "trustAllCertificates", "true"));

        assertThat(testee.getBounceProcessor()).isEqualTo(Optional.of("bounces"));
        assertThat(testee.getErrorProcessor()).isEqualTo("relay-error");
        assertThat(testee.getStartTls()).isEqualTo(StartTlsMode.REQUIRED);
        assertThat(testee.isTrustAllCertificates()).isTrue();
    }

    @Test
    void fromShouldRejectUnknownParameterNamingKeyAndValue() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(ImmutableMap.of("maxRetries", "5")))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'maxRetries'")
            .hasMessageContaining("'5'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "connectTimeout|ten seconds",
        "commandTimeout|0s",
        "dataTimeout|-5s",
        "deliveryThreads|0",
        "deliveryThreads|many",
        "maxConnectionsPerHost|1001",
        "mxPort|70000",
        "maxHops|0",
        "startTls|sometimes",
        "trustAllCertificates|yes",
        "routes|example.com",
        "routes|=127.0.0.1:25",
        "routes|example.com=127.0.0.1:notaport",
        "fallbackGateways|relay:99999",
        "localSmtpPorts|25,smtp",
        "errorProcessor|'  '",
        "maxRetryDelay|1s"
    })
    void fromShouldRejectInvalidValueNamingKeyAndValue(String key, String value) {
        assertThatThrownBy(() -> DeliveryConfiguration.from(ImmutableMap.of(key, value)))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'" + key + "'")
            .hasMessageContaining("'" + value + "'");
    }

    @Test
    void fromShouldParseLocalSmtpPorts() throws Exception {
        DeliveryConfiguration testee = DeliveryConfiguration.from(ImmutableMap.of("localSmtpPorts", "2525, 25"));

        assertThat(testee.getLocalSmtpPorts()).isEqualTo(ImmutableSet.of(2525, 25));
    }
}
