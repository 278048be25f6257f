package io.ramspool.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;

import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.common.collect.ImmutableMap;

class MailPlacerTest {
    private MailPlacer testee;

    @BeforeEach
    void setUp() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(ImmutableMap.of("retryDelay", "1m",
            "maxRetryDelay", "5m"));
        testee = new MailPlacer(FakeMailContext.defaultContext(), null, configuration, Clock.systemUTC());
    }

    @Test
    void backoffShouldStartAtRetryDelay() {
        assertThat(testee.backoff(1)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void backoffShouldDoubleAtEachPass() {
        assertThat(testee.backoff(3)).isEqualTo(Duration.ofMinutes(4));
    }

    @Test
    void backoffShouldNotExceedMaxRetryDelay() {
        assertThat(testee.backoff(40)).isEqualTo(Duration.ofMinutes(5));
    }
}
