package io.ramspool.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.collect.ImmutableList;

import io.ramspool.spool.dump.SpoolCheckpoint;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;

/** Each subcommand through picocli, with its output and exit code. */
class RamspoolCommandTest {
    private static final int MAILS = 12;
    private static final AreaId SPOOL = AreaId.queue("spool");
    private static final AreaId ERRORS = AreaId.repository("ramdisk://var/mail/error/");

    @TempDir
    Path dumpDir;

    private Path spool;

    private record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        Path ramDisk = Files.isDirectory(Paths.get("/dev/shm")) ? Paths.get("/dev/shm")
            : Paths.get(System.getProperty("java.io.tmpdir"));
        spool = ramDisk.resolve("ramspool-tools-test-" + UUID.randomUUID());
        try (SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(spool))) {
            for (int i = 0; i < MAILS; i++) {
                write(store, i % 4 == 3 ? ERRORS : SPOOL, "mail-" + i);
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        deleteTree(spool);
    }

    @Test
    void dumpShouldWriteTheCurrentDumpAndNameIt() {
        Result result = run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("dumped " + MAILS + " mails", spool.toString(), dumpDir.toString());
        assertThat(dumpDir.resolve("CURRENT")).exists();
    }

    @Test
    void restoreShouldBringBackEveryMailIntoAWipedSpool() throws Exception {
        run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());
        deleteTree(spool);

        Result result = run("restore", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("restored " + MAILS + " mails", "dump retired as");
        assertThat(run("stats", "--spool", spool.toString(), "--dump-dir", dumpDir.toString()).out())
            .contains("total " + MAILS + " mails");
    }

    @Test
    void restoreShouldLeaveASpoolThatHoldsMailAlone() {
        run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        Result result = run("restore", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("already holds " + MAILS + " mails", "was not replayed",
            "stale dump retired as");
    }

    @Test
    void restoreShouldNotReplayAStaleDumpIntoAnEmptySpoolARelayServedFrom() throws Exception {
        run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());
        deleteTree(spool);
        SpoolDumps.markInService(spool);

        Result result = run("restore", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("empty but a relay served from it", "not replayed", "--from");
        assertThat(run("stats", "--spool", spool.toString(), "--dump-dir", dumpDir.toString()).out())
            .contains("total 0 mails");
    }

    @Test
    void relativeDumpDirectoryShouldBeRelativeToTheInstallationOfTheConfDirectory(@TempDir Path home)
            throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("ramspool.properties"), "directory=" + spool + "\n");
        Files.writeString(conf.resolve("ramspool-dump.properties"), "dumpDirectory=var/dump\n");

        Result result = run("dump", "--conf", conf.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(home.resolve("var/dump/CURRENT")).exists();
    }

    @Test
    void restoreOfADamagedDumpShouldNameTheEntryAndExitWithOne() throws Exception {
        run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());
        Path victim = firstEntry(currentDump().resolve("queue/spool"));
        flipByte(victim, 120);
        deleteTree(spool);

        Result result = run("restore", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(result.out()).contains("restored " + (MAILS - 1) + " mails", victim.toString(),
            "CRC32C mismatch", "1 damaged");
    }

    @Test
    void verifyShouldNameADamagedSpoolEntryAndExitWithOne() throws Exception {
        Path victim = firstEntry(spool.resolve("queue/spool"));
        flipByte(victim, 120);

        Result result = run("verify", "--spool", spool.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(result.out()).contains("damaged: corrupt spool entry " + victim, "checksum mismatch",
            "verified " + MAILS + " entries in 2 areas");
    }

    @Test
    void verifyShouldPassAnIntactSpool() {
        Result result = run("verify", "--spool", spool.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("verified " + MAILS + " entries in 2 areas of " + spool + ": 0 damaged");
    }

    @Test
    void verifyOfTheCurrentDumpShouldReportAMissingManifest() throws Exception {
        run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());
        Files.delete(currentDump().resolve("MANIFEST"));

        Result result = run("verify", "--dump", "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(result.out()).contains("manifest: unusable dump manifest", "file is missing",
            MAILS + " intact entries");
    }

    @Test
    void restoreShouldReplayTheCheckpointAndKeepItWhenCheckpointingIsOn(@TempDir Path conf) throws Exception {
        writeCheckpoint();
        deleteTree(spool);
        Files.writeString(conf.resolve("ramspool.properties"), "directory=" + spool + "\n");
        Files.writeString(conf.resolve("ramspool-dump.properties"), "dumpDirectory=" + dumpDir + "\ncheckpoint=true\n");

        Result result = run("restore", "--conf", conf.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("restored " + MAILS + " mails from " + dumpDir.resolve("checkpoint"),
            "kept as the checkpoint " + dumpDir.resolve("checkpoint"));
    }

    @Test
    void statsShouldNameTheCheckpoint() throws Exception {
        writeCheckpoint();

        Result result = run("stats", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("checkpoint " + dumpDir.resolve("checkpoint") + ": " + MAILS + " entry files",
            "no current dump");
    }

    @Test
    void verifyOfTheDumpShouldCheckTheCheckpointWhenThereIsOne() throws Exception {
        writeCheckpoint();

        Result result = run("verify", "--dump", "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("verified dump " + dumpDir.resolve("checkpoint") + ": " + MAILS
            + " intact entries");
    }

    @Test
    void listShouldPrintOneLinePerMail() {
        Result result = run("list", "--spool", spool.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out().lines().filter(line -> line.contains("mail-")).count()).isEqualTo(MAILS);
        assertThat(result.out()).contains("ramdisk://var/mail/error/", "<>");
    }

    @Test
    void listShouldFilterByArea() {
        Result result = run("list", "--spool", spool.toString(), "--area", "spool");

        assertThat(result.out().lines().filter(line -> line.contains("mail-")).count()).isEqualTo(9);
    }

    @Test
    void statsShouldCountMailsPerAreaAndNameTheCurrentDump() {
        run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        Result result = run("stats", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("total " + MAILS + " mails", "current dump " + dumpDir.resolve("dump-"),
            MAILS + " files");
    }

    @Test
    void commandsShouldExitWithFourWhileTheSpoolIsOpen() throws Exception {
        try (SpoolStore running = SpoolStore.open(StoreOptions.ramDisk(spool))) {
            Result result = run("dump", "--spool", spool.toString(), "--dump-dir", dumpDir.toString());

            assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCKED);
            assertThat(result.err()).contains(spool.toString(), "stop the server first");
            assertThat(running.getEntryCount()).isEqualTo(MAILS);
        }
    }

    @Test
    void missingSpoolDirectoryShouldExitWithThreeAndNameIt() {
        Path missing = spool.resolveSibling(spool.getFileName() + "-missing");

        Result result = run("verify", "--spool", missing.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(result.err()).contains("spool directory " + missing + " does not exist");
    }

    @Test
    void unknownOptionShouldExitWithTwo() {
        Result result = run("dump", "--no-such-option");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void helpShouldListTheSubcommandsAndExitCodes() {
        Result result = run("--help");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("dump", "restore", "verify", "list", "stats", "Exit codes:");
    }

    @Test
    void confDirectoryShouldSupplyTheSpoolAndDumpDirectories(@TempDir Path conf) throws Exception {
        Files.writeString(conf.resolve("ramspool.properties"), "directory=" + spool + "\n");
        Files.writeString(conf.resolve("ramspool-dump.properties"), "dumpDirectory=" + dumpDir + "\n");

        Result result = run("dump", "--conf", conf.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains(spool.toString(), dumpDir.toString());
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = RamspoolCommand.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private Path currentDump() throws Exception {
        return dumpDir.resolve(Files.readString(dumpDir.resolve("CURRENT")).trim());
    }

    private void writeCheckpoint() throws Exception {
        try (SpoolStore store = SpoolStore.open(StoreOptions.ramDisk(spool))) {
            SpoolCheckpoint.start(store, dumpDir, Duration.ofMillis(100)).stop();
        }
    }

    private static void write(SpoolStore store, AreaId area, String name) throws Exception {
        byte[] body = ("Subject: " + name + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        EntryHeader header = EntryHeader.builder()
            .sequence(store.nextSequence())
            .name(name)
            .key(area.getKind() == AreaId.Kind.REPOSITORY ? name : null)
            .recipients(ImmutableList.of("rcpt@example.org"))
            .nextDeliveryMillis(1_000L)
            .build();
        store.write(area, header, out -> out.write(body));
    }

    private static Path firstEntry(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> sorted = files.sorted().toList();
            return sorted.get(0);
        }
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0x01);
        }
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
