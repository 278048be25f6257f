package io.ramspool.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import com.google.common.collect.ImmutableSet;

class LoopGuardTest {
    private final LoopGuard testee = new LoopGuard(ImmutableSet.of("Relay.Example.NET"), ImmutableSet.of(25, 587));

    @Test
    void isSelfShouldBeTrueForOwnNameOnLocalPort() {
        assertThat(testee.isSelf(SmtpHost.of("relay.example.net", 25))).isTrue();
    }

    @Test
    void isSelfShouldBeFalseForOwnNameOnAnotherPort() {
        assertThat(testee.isSelf(SmtpHost.of("relay.example.net", 10025))).isFalse();
    }

    @Test
    void isSelfShouldBeTrueForLoopbackLiteralOnLocalPort() {
        assertThat(testee.isSelf(SmtpHost.of("127.0.0.1", 587))).isTrue();
    }

    @Test
    void isSelfShouldBeTrueWhenNameResolvesToLoopbackOnLocalPort() {
        assertThat(testee.isSelf(SmtpHost.of("gateway.example.net", 25), InetAddress.getLoopbackAddress())).isTrue();
    }

    @Test
    void isSelfShouldBeFalseForLoopbackOnAnotherPort() {
        assertThat(testee.isSelf(SmtpHost.of("gateway.example.net", 2525), InetAddress.getLoopbackAddress()))
            .isFalse();
    }
}
