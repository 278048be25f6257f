package io.ramspool.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code status} and {@code live-dump} without a relay: where they look for it, what they say when
 * nothing answers, and how the status is printed. The commands against a running relay are shown
 * by the distribution's {@code RamspoolToolIntegrationTest}.
 */
class ServerCommandsTest {
    @Test
    void statusShouldExitWithThreeAndNameTheUrlWhenNoRelayAnswers() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();

        StringWriter err = new StringWriter();
        int exitCode = RamspoolCommand.commandLine().setErr(new PrintWriter(err)).execute("status", "--webadmin", url);

        assertThat(exitCode).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(err.toString()).contains("cannot reach the relay's webadmin at " + url + "/ramspool");
    }

    @Test
    void webadminAddressShouldComeFromTheConfDirectory(@TempDir Path conf) throws Exception {
        Files.writeString(conf.resolve("webadmin.properties"), "enabled=true\nhost=127.0.0.3\nport=8123\n");
        ServerOptions options = new ServerOptions();
        options.confDirectory = conf;

        assertThat(options.baseUri()).hasToString("http://127.0.0.3:8123");
    }

    @Test
    void webadminAddressShouldDefaultToTheProfilesLoopbackPort() throws Exception {
        assertThat(new ServerOptions().baseUri()).hasToString(ServerOptions.DEFAULT_URL);
    }

    @Test
    void jsonPrinterShouldIndentObjectsAndListArrayItems() throws Exception {
        StringWriter out = new StringWriter();

        new JsonPrinter(new PrintWriter(out, true)).print(new ObjectMapper().readTree(
            "{\"capacity\":{\"state\":\"ACCEPTING\",\"mails\":3},\"overflow\":null,"
                + "\"queues\":[{\"name\":\"spool\",\"waiting\":2}],\"tags\":[]}"));

        assertThat(out.toString().lines()).containsExactly(
            "capacity:", "  state: ACCEPTING", "  mails: 3", "overflow: -", "queues:", "  -", "    name: spool",
            "    waiting: 2", "tags: []");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
