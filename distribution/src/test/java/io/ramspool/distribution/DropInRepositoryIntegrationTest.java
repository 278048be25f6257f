package io.ramspool.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * James's own memory server (its main class, not our launcher), with our jars in its
 * extensions-jars folder and our repository in mailrepositorystore.xml, stores its error mail in
 * our RAM-disk repository. Its queues stay James's memory queues.
 */
class DropInRepositoryIntegrationTest {
    /** Webadmin names a repository by its path, without the protocol. */
    private static final String ERROR_REPOSITORY_PATH = "var/mail/error";

    @TempDir
    Path temporary;

    private RelayWorkingDirectory workingDirectory;

    @AfterEach
    void cleanUp() {
        workingDirectory.close();
    }

    @Test
    void stockMemoryServerShouldStoreErrorMailInRamDiskRepository() throws Exception {
        workingDirectory = RelayWorkingDirectory.fromProfile("edge", temporary)
            .forStockServer()
            // Every mail goes to the error processor, whose last mailet stores it in the repository.
            .edit("mailetcontainer.xml", "<mailet match=\"All\" class=\"PostmasterAlias\"/>",
                "<mailet match=\"All\" class=\"ToProcessor\"><processor>error</processor></mailet>");

        try (ServerProcess stock = ServerProcess.startStockMemoryServer(workingDirectory.getRoot())
            .awaitStarted(workingDirectory.getRoot(), "JAMES server started")) {
            String reply;
            try (SmtpDialogue smtp = SmtpDialogue.connect("127.0.0.1", workingDirectory.getSmtpPort())) {
                reply = smtp.send("", "bob@remote.example", "Subject: to the error repository\r\n\r\nbody\r\n");
            }

            assertThat(reply).startsWith("250");
            Webadmin webadmin = new Webadmin(workingDirectory.getWebadminPort());
            String repository = "/mailRepositories/" + URLEncoder.encode(ERROR_REPOSITORY_PATH, StandardCharsets.UTF_8);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(webadmin.get(repository + "/mails").body())
                    .as("repositories %s, log %s", webadmin.get("/mailRepositories").body(), stock.getOutput())
                    .isNotEqualTo("[]").startsWith("[\""));
            assertThat(storedEntries()).isEqualTo(1);
            stock.stop();
        }
    }

    private long storedEntries() throws IOException {
        try (Stream<Path> files = Files.walk(workingDirectory.getSpool())) {
            return files.filter(path -> path.toString().endsWith(".msg")).count();
        }
    }
}
