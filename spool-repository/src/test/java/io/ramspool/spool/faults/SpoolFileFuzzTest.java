package io.ramspool.spool.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.dump.DumpReport;
import io.ramspool.spool.dump.ReloadReport;
import io.ramspool.spool.dump.SpoolDumps;
import io.ramspool.spool.internal.dump.DumpDirectory;
import io.ramspool.spool.internal.dump.DumpManifest;
import io.ramspool.spool.internal.store.RecoveryReport;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreOptions;
import io.ramspool.spool.testing.RamDiskDirectory;
import io.ramspool.spool.testing.TestMails;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Scenario 8 of the fault suite: spool entry files and dump files damaged at random (truncated,
 * bits flipped, garbage written, zeroed, appended to, replaced, deleted). Opening the store and
 * reloading the dump must run; every damaged entry must be quarantined with a reason and counted;
 * every intact one kept with its bytes; none may vanish. The number of tries per property is
 * {@code jqwik.tries.default} (see the module's pom: 60 by default, more with
 * {@code -Dramspool.faults=full}).
 */
@Tag("faults")
class SpoolFileFuzzTest {
    private static final List<MailQueueName> QUEUES = List.of(MailQueueName.of("spool"),
        MailQueueName.of("oneshot-outgoing"));
    private static final int MAILS = 10;
    private static final Pattern NAME = Pattern.compile("Subject: spool test (mail-\\d+)");
    private static final FuzzTally STORE_TALLY = new FuzzTally("8a fuzzed spool entries, store opened");
    private static final FuzzTally DUMP_TALLY = new FuzzTally("8b fuzzed dump files, dump reloaded");
    private static final FuzzTally CHECKPOINT_TALLY = new FuzzTally("8c fuzzed checkpoint files, reloaded");

    /** What the manifest of a dump suffers, besides the damage to its entries. */
    enum ManifestDamage { NONE, TRUNCATE, FLIP, GARBAGE, DELETE }

    @Property
    void recoveryScanShouldQuarantineEveryDamagedEntryAndKeepEveryIntactOne(
            @ForAll("entryDamages") List<FileDamage> damages, @ForAll boolean junk) throws Exception {
        RamDiskDirectory ramDisk = RamDiskDirectory.create("fuzz-store");
        try {
            StoreOptions options = StoreOptions.ramDisk(ramDisk.getPath());
            fill(options);
            Map<Path, byte[]> originals = snapshot(ramDisk.getPath().resolve("queue"));
            // A file deleted from the RAM disk looks like a delivered mail: cut it to nothing instead.
            damage(new ArrayList<>(originals.keySet()), withoutDeletion(damages));
            if (junk) {
                addJunk(ramDisk.getPath().resolve("queue/spool"));
            }

            Set<String> kept = openAndList(options, report -> {
                assertThat(report.getQuarantined()).isEqualTo(changed(originals).size() + (junk ? 1 : 0));
                assertThat(report.getTemporaryFilesRemoved()).isEqualTo(junk ? 1 : 0);
            });

            Set<Path> changed = changed(originals);
            assertIntactKept(originals, changed, kept);
            changed.forEach(file -> assertQuarantined(ramDisk.getPath(), file));
            STORE_TALLY.add(originals.size(), originals.size() - changed.size(), changed.size(),
                originals.size() - kept.size() - changed.size());
        } finally {
            ramDisk.delete();
        }
    }

    @Property
    void reloadShouldQuarantineEveryDamagedDumpEntryAndRestoreEveryIntactOne(
            @ForAll("entryDamages") List<FileDamage> damages, @ForAll ManifestDamage manifestDamage,
            @ForAll boolean asCheckpoint) throws Exception {
        RamDiskDirectory ramDisk = RamDiskDirectory.create("fuzz-dump");
        Path dumpDir = Files.createTempDirectory("ramspool-fuzz-dump");
        try {
            StoreOptions options = StoreOptions.ramDisk(ramDisk.getPath());
            fill(options);
            Path dump = prepareDump(options, dumpDir, asCheckpoint);
            ramDisk.delete();
            boolean manifestTrusted = !asCheckpoint && manifestDamage == ManifestDamage.NONE;
            Map<Path, byte[]> originals = snapshot(dump.resolve("queue"));
            damage(new ArrayList<>(originals.keySet()), manifestTrusted ? damages : withoutDeletion(damages));
            if (!asCheckpoint) {
                damageManifest(dump.resolve(DumpManifest.FILE_NAME), manifestDamage, damages);
            }

            Set<Path> changed = changed(originals);
            Set<Path> deleted = changed.stream().filter(file -> !Files.exists(file)).collect(Collectors.toSet());

            ReloadReport report = SpoolDumps.reloadIfEmpty(options, dumpDir);

            checkReload(report, new ReloadExpectation(originals, changed, deleted), ramDisk.getPath(), options,
                asCheckpoint ? ManifestDamage.NONE : manifestDamage);
            (asCheckpoint ? CHECKPOINT_TALLY : DUMP_TALLY).add(originals.size(), (int) report.getImported(),
                (int) (report.getDamaged() + report.getMissing()), vanished(originals, report));
        } finally {
            ramDisk.delete();
            DumpDirectory.deleteTree(dumpDir);
        }
    }

    /** What the files of a dump were before the reload moved the dump away: intact, damaged or gone. */
    private record ReloadExpectation(Map<Path, byte[]> originals, Set<Path> changed, Set<Path> deleted) {
    }

    private void checkReload(ReloadReport report, ReloadExpectation expected, Path spool, StoreOptions options,
                             ManifestDamage manifestDamage) throws Exception {
        Map<Path, byte[]> originals = expected.originals();
        Set<Path> changed = expected.changed();
        Set<Path> deleted = expected.deleted();
        assertThat(report.getOutcome()).isEqualTo(ReloadReport.Outcome.RELOADED);
        assertThat(report.getImported()).isEqualTo(originals.size() - changed.size());
        assertThat(report.getDamaged()).isEqualTo(changed.size() - deleted.size());
        assertThat(report.getMissing()).isEqualTo(deleted.size());
        if (manifestDamage == ManifestDamage.DELETE || manifestDamage == ManifestDamage.TRUNCATE) {
            assertThat(report.getManifestProblem()).isPresent();
        }
        Set<String> kept = openAndList(options, ignored -> { });
        assertThat(kept).isEqualTo(names(originals, changed, false));
        changed.forEach(file -> assertQuarantined(spool, file));
    }

    private static int vanished(Map<Path, byte[]> originals, ReloadReport report) {
        return (int) (originals.size() - report.getImported() - report.getDamaged() - report.getMissing());
    }

    @Provide
    Arbitrary<List<FileDamage>> entryDamages() {
        Arbitrary<FileDamage> damage = Combinators.combine(
                Arbitraries.of(FileDamage.Kind.class),
                Arbitraries.integers().between(0, MAILS - 1),
                Arbitraries.doubles().between(0, 0.999).ofScale(3),
                Arbitraries.integers().between(1, 200),
                Arbitraries.longs())
            .as(FileDamage::new);
        return damage.list().ofMaxSize(4);
    }

    @AfterContainer
    static void report() throws IOException {
        for (FuzzTally tally : List.of(STORE_TALLY, DUMP_TALLY, CHECKPOINT_TALLY)) {
            tally.record();
        }
    }

    /** Ten mails of different sizes, six in one queue and four in another, then the store is closed. */
    private static void fill(StoreOptions options) throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            RamSpoolMailQueueFactory factory = new RamSpoolMailQueueFactory(store,
                new RawMailQueueItemDecoratorFactory());
            for (int i = 0; i < MAILS; i++) {
                factory.createQueue(QUEUES.get(i < 6 ? 0 : 1)).enQueue(TestMails.mail("mail-" + i, 200 + i * 300));
            }
            factory.stop();
        }
    }

    private static Path prepareDump(StoreOptions options, Path dumpDir, boolean asCheckpoint) throws Exception {
        DumpReport written = SpoolDumps.dump(options, dumpDir);
        if (!asCheckpoint) {
            return written.getDump();
        }
        // A checkpoint has the dump's layout without a manifest, and CURRENT never names it.
        Path checkpoint = dumpDir.resolve(DumpDirectory.CHECKPOINT);
        Files.move(written.getDump(), checkpoint);
        Files.delete(checkpoint.resolve(DumpManifest.FILE_NAME));
        Files.delete(dumpDir.resolve(DumpDirectory.CURRENT));
        return checkpoint;
    }

    /** The bytes of every entry file under {@code queues}, in name order. */
    private static Map<Path, byte[]> snapshot(Path queues) throws IOException {
        Map<Path, byte[]> originals = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(queues)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".msg")).sorted().toList()) {
                originals.put(file, Files.readAllBytes(file));
            }
        }
        assertThat(originals).hasSize(MAILS);
        return originals;
    }

    private static void damage(List<Path> files, List<FileDamage> damages) throws IOException {
        for (FileDamage damage : damages) {
            Path file = files.get(damage.target() % files.size());
            if (Files.exists(file)) {
                damage.applyTo(file);
            }
        }
    }

    /** Without a trusted manifest a deleted entry cannot be told from a delivered one: cut it to nothing instead. */
    private static List<FileDamage> withoutDeletion(List<FileDamage> damages) {
        return damages.stream()
            .map(damage -> damage.kind() == FileDamage.Kind.DELETE
                ? new FileDamage(FileDamage.Kind.TRUNCATE, damage.target(), 0, damage.length(), damage.seed())
                : damage)
            .toList();
    }

    private static void damageManifest(Path manifest, ManifestDamage damage, List<FileDamage> drawn)
            throws IOException {
        long seed = drawn.isEmpty() ? 1 : drawn.get(0).seed();
        switch (damage) {
            case NONE -> { }
            case TRUNCATE -> new FileDamage(FileDamage.Kind.TRUNCATE, 0, 0.5, 1, seed).applyTo(manifest);
            case FLIP -> new FileDamage(FileDamage.Kind.FLIP, 0, 0.3, 3, seed).applyTo(manifest);
            case GARBAGE -> new FileDamage(FileDamage.Kind.GARBAGE, 0, 0.1, 40, seed).applyTo(manifest);
            case DELETE -> Files.delete(manifest);
            default -> throw new IllegalStateException("unhandled manifest damage " + damage);
        }
    }

    /** A file named like an entry but holding garbage, and an interrupted write. */
    private static void addJunk(Path area) throws IOException {
        Files.write(area.resolve("00000000000fffff.msg"), "not a spool entry".getBytes(StandardCharsets.US_ASCII));
        Files.write(area.resolve(".tmp-00000000000ffff0"), new byte[] {1, 2, 3});
    }

    /** Files whose bytes differ from what the store wrote, or that are gone. */
    private static Set<Path> changed(Map<Path, byte[]> originals) {
        Set<Path> changed = new HashSet<>();
        originals.forEach((file, bytes) -> {
            if (!Files.exists(file) || !Arrays.equals(read(file), bytes)) {
                changed.add(file);
            }
        });
        return changed;
    }

    private interface ReportCheck {
        void check(RecoveryReport report);
    }

    /** Opens the store, checks its recovery report, and returns the names of the mails its queues hold. */
    private static Set<String> openAndList(StoreOptions options, ReportCheck check) throws Exception {
        try (SpoolStore store = SpoolStore.open(options)) {
            check.check(store.getRecoveryReport());
            RamSpoolMailQueueFactory factory = new RamSpoolMailQueueFactory(store,
                new RawMailQueueItemDecoratorFactory());
            Set<String> names = new HashSet<>();
            for (MailQueueName queue : QUEUES) {
                RamSpoolMailQueue view = factory.createQueue(queue);
                view.browse().forEachRemaining(item -> names.add(item.getMail().getName()));
            }
            factory.stop();
            return names;
        }
    }

    private static void assertIntactKept(Map<Path, byte[]> originals, Set<Path> changed, Set<String> kept) {
        originals.forEach((file, bytes) -> {
            if (!changed.contains(file)) {
                assertThat(file).exists().hasBinaryContent(bytes);
            }
        });
        assertThat(kept).isEqualTo(names(originals, changed, false));
    }

    /** The names of the mails in the original files that are (or, with {@code damaged}, are not) intact. */
    private static Set<String> names(Map<Path, byte[]> originals, Set<Path> changed, boolean damaged) {
        return originals.entrySet().stream()
            .filter(entry -> changed.contains(entry.getKey()) == damaged)
            .map(entry -> nameIn(entry.getValue()))
            .collect(Collectors.toSet());
    }

    private static String nameIn(byte[] entry) {
        Matcher matcher = NAME.matcher(new String(entry, StandardCharsets.ISO_8859_1));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** A damaged file is in the quarantine (under its own name, maybe with a suffix) with a reason beside it. */
    private static void assertQuarantined(Path spool, Path file) {
        Path directory = spool.resolve("quarantine/queue").resolve(file.getParent().getFileName());
        String name = file.getFileName().toString();
        assertThatCode(() -> {
            try (Stream<Path> files = Files.list(directory)) {
                List<String> reasons = files.map(path -> path.getFileName().toString())
                    .filter(candidate -> candidate.startsWith(name) && candidate.endsWith(".reason"))
                    .toList();
                assertThat(reasons).as("reason files for %s in %s", name, directory).isNotEmpty();
            }
        }).doesNotThrowAnyException();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
