package io.ramspool.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;

import com.google.common.collect.ImmutableMap;

class DeliveryWorkerTest {
    private static final SmtpHost MX = SmtpHost.of("mx.remote.example", 25);

    @Test
    void failureOfShouldGiveTheReplyOfAnUndeliveredRecipientWithAddressesMasked() throws Exception {
        ImmutableMap<MailAddress, RecipientResult> results = ImmutableMap.of(
            new MailAddress("a@remote.example"), RecipientResult.delivered(MX, false),
            new MailAddress("b@remote.example"),
            RecipientResult.failedPermanently("RCPT answered 550 5.1.1 <b@remote.example>: \"no\" such user"));

        String failure = DeliveryWorker.failureOf(results);

        assertThat(failure).isEqualTo("RCPT answered 550 5.1.1 <...>: 'no' such user");
    }

    @Test
    void failureOfShouldBeADashWhenEveryRecipientWasDelivered() throws Exception {
        ImmutableMap<MailAddress, RecipientResult> results = ImmutableMap.of(
            new MailAddress("a@remote.example"), RecipientResult.delivered(MX, false));

        assertThat(DeliveryWorker.failureOf(results)).isEqualTo("-");
    }
}
