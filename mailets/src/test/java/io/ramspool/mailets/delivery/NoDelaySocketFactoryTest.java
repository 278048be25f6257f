package io.ramspool.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {
    @Test
    void connectedSocketShouldHaveNagleOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new NoDelaySocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                 server.getLocalPort())) {
            assertThat(socket.isConnected()).isTrue();
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }

    @Test
    void sessionPropertiesShouldGiveJavaMailTheNoDelayFactory() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(FakeMailetConfig.builder()
            .mailetName("delivery").build());

        Object factory = SmtpClient.sessionProperties(configuration).get("mail.smtp.socketFactory");

        assertThat(factory).isInstanceOf(NoDelaySocketFactory.class);
    }
}
