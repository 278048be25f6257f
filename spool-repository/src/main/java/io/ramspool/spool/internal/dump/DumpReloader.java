package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Stopwatch;

import io.ramspool.spool.dump.AfterReload;
import io.ramspool.spool.dump.ProgressListener;
import io.ramspool.spool.dump.ReloadReport;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.CorruptEntryException;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.internal.store.StoreLockedException;

/**
 * Replays a dump into an empty store, before any view of the store exists.
 *
 * <p>The rules: when the store already holds mail, or is empty but carries the marker
 * {@value #IN_SERVICE} (a relay served from it: the JVM restarted, the machine did not), the store
 * wins and the dump is not replayed: replaying would duplicate mail. The dump and, unless the
 * checkpoint continues, the checkpoint are then stale: they are retired, so that a later power loss
 * does not bring back mail delivered meanwhile. Otherwise (a RAM disk wiped by a reboot) every
 * entry of the current dump is imported with its original sequence number; an entry already
 * present is skipped; a damaged or missing one is set aside in the store's quarantine with a
 * reason and counted. A marker file in the store ({@value #MARKER}) names the dump while the
 * reload runs, so that a reload interrupted by a crash is finished at the next start instead of
 * being mistaken for "the store holds mail". Only when every file has been handled is the dump
 * retired (renamed {@code retired-dump-...}), or kept as the checkpoint (see {@link AfterReload}),
 * and the marker removed.
 *
 * <p>The source is the checkpoint of the dump directory when there is one, else the current dump
 * (see {@link DumpDirectory#findReloadSource}).
 *
 * <p>Not thread-safe; call it once, before the queues and repositories are created.
 */
public final class DumpReloader {
    /** In the store root while a reload runs; holds the path of the dump being replayed. */
    public static final String MARKER = ".reload-in-progress";
    /**
     * In the store root once a relay has served from the store (see {@code SpoolDumps#markInService}).
     * A RAM disk wiped by a reboot has lost it; a store a relay merely restarted on still has it.
     */
    public static final String IN_SERVICE = ".in-service";
    private static final Logger LOGGER = LoggerFactory.getLogger(DumpReloader.class);

    private final ProgressListener progress;
    private final AfterReload afterReload;

    public DumpReloader(ProgressListener progress) {
        this(progress, AfterReload.RETIRE);
    }

    public DumpReloader(ProgressListener progress, AfterReload afterReload) {
        this.progress = progress;
        this.afterReload = afterReload;
    }

    /**
     * Replays the checkpoint or the current dump of {@code dumpDir} (or {@code explicitDump} when given) into
     * {@code store} when the store is empty, or finishes an interrupted reload.
     *
     * @throws DumpException when the store cannot take the entries (full, I/O error): the dump is
     *     kept and the marker stays, so the next call resumes
     * @throws StoreLockedException when another dump or reload holds dumpDir
     */
    public ReloadReport reloadIfEmpty(SpoolStore store, Path dumpDir, Optional<Path> explicitDump)
            throws StoreException {
        Stopwatch stopwatch = Stopwatch.createStarted();
        Path marker = store.getRoot().resolve(MARKER);
        Optional<Path> interrupted = readMarker(marker);
        if (interrupted.isPresent() && Files.isDirectory(interrupted.get())) {
            LOGGER.warn("Finishing an interrupted reload dump={} entriesAlreadyInSpool={}", interrupted.get(),
                store.getEntryCount());
            return replay(store, dumpDir, interrupted.get(), marker, ReloadReport.Outcome.RESUMED, stopwatch);
        }
        removeStaleMarker(marker, interrupted);
        if (store.getEntryCount() > 0) {
            return keepStore(store, dumpDir, explicitDump, ReloadReport.Outcome.STORE_NOT_EMPTY);
        }
        if (explicitDump.isEmpty() && Files.exists(store.getRoot().resolve(IN_SERVICE))) {
            return keepStore(store, dumpDir, explicitDump, ReloadReport.Outcome.SPOOL_IN_SERVICE);
        }
        Optional<Path> dump = explicitDump.isPresent() ? explicitDump : findReloadSource(dumpDir);
        if (dump.isEmpty()) {
            LOGGER.info("No spool dump to reload dumpDirectory={}", dumpDir);
            return ReloadReport.builder(ReloadReport.Outcome.NO_DUMP).build();
        }
        writeMarker(marker, dump.get());
        return replay(store, dumpDir, dump.get(), marker, ReloadReport.Outcome.RELOADED, stopwatch);
    }

    private ReloadReport keepStore(SpoolStore store, Path dumpDir, Optional<Path> explicitDump,
                                   ReloadReport.Outcome outcome) throws StoreException {
        Optional<Path> dump = explicitDump.isPresent() ? explicitDump : findReloadSource(dumpDir);
        ReloadReport.Builder report = ReloadReport.builder(outcome).storeEntriesBefore(store.getEntryCount());
        dump.ifPresent(report::dump);
        Optional<Path> retired = explicitDump.isPresent() ? Optional.empty() : retireStale(dumpDir);
        retired.ifPresent(report::retiredAs);
        LOGGER.info("Spool already {}, the dump is not replayed over it spool={} mails={} dump={} retiredAs={}",
            outcome == ReloadReport.Outcome.STORE_NOT_EMPTY ? "holds mail" : "in service since the dump",
            store.getRoot(), store.getEntryCount(), dump.map(Path::toString).orElse("<none>"),
            retired.map(Path::toString).orElse("<nothing>"));
        return report.build();
    }

    /**
     * Retires the current dump, and the checkpoint unless it continues ({@link AfterReload#KEEP_AS_CHECKPOINT}:
     * its writer compares it with the spool at start). Both describe the spool as it was before
     * this run; replayed after a later power loss they would bring back mail delivered since.
     *
     * @return the retired dump, if there was one
     */
    private Optional<Path> retireStale(Path dumpDir) throws StoreException {
        if (!Files.isDirectory(dumpDir)) {
            return Optional.empty();
        }
        try (DumpDirectory directory = DumpDirectory.lock(dumpDir, true)) {
            Optional<Path> current = directory.findCurrent();
            Optional<Path> retired = current.isPresent() ? Optional.of(directory.retire(current.get()))
                : Optional.empty();
            Optional<Path> checkpoint = directory.findCheckpoint();
            if (afterReload == AfterReload.RETIRE && checkpoint.isPresent()) {
                Path retiredCheckpoint = directory.retire(checkpoint.get());
                return retired.isPresent() ? retired : Optional.of(retiredCheckpoint);
            }
            return retired;
        } catch (IOException e) {
            throw asStoreException(e, "cannot retire the stale dump in " + dumpDir);
        }
    }

    private static Optional<Path> findReloadSource(Path dumpDir) throws StoreException {
        if (!Files.isDirectory(dumpDir)) {
            return Optional.empty();
        }
        try (DumpDirectory directory = DumpDirectory.lock(dumpDir, false)) {
            return directory.findReloadSource();
        } catch (IOException e) {
            throw asStoreException(e, "cannot read dump directory " + dumpDir);
        }
    }

    private ReloadReport replay(SpoolStore store, Path dumpDir, Path dump, Path marker, ReloadReport.Outcome outcome,
                                Stopwatch stopwatch) throws StoreException {
        ReloadReport.Builder report = ReloadReport.builder(outcome).dump(dump)
            .storeEntriesBefore(store.getEntryCount());
        try (DumpDirectory directory = DumpDirectory.lock(dumpDir, true)) {
            DumpContents contents = DumpContents.read(dump);
            contents.getManifestProblem().ifPresent(report::manifestProblem);
            for (String path : contents.getPaths()) {
                replayFile(store, contents, path, report);
                progress.processed(report.getProcessed());
            }
            afterReplay(directory, dump, report);
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw asStoreException(e, "reload of dump " + dump + " into spool " + store.getRoot() + " stopped after "
                + report.getProcessed() + " entries; the dump is kept and the next start resumes");
        }
        ReloadReport result = report.durationMillis(stopwatch.elapsed().toMillis()).build();
        logSummary(store, result);
        return result;
    }

    private void replayFile(SpoolStore store, DumpContents contents, String path, ReloadReport.Builder report)
            throws StoreException {
        Path file = contents.getDump().resolve(path);
        DumpContents.FileKind kind = DumpContents.kindOf(path);
        if (kind == DumpContents.FileKind.UNEXPECTED) {
            report.problem("unexpected file " + file + " in dump, not a spool entry: left in the dump");
            LOGGER.warn("Unexpected file in dump, not reloaded path={}", file);
            return;
        }
        Optional<String> damage = checkListed(contents, path, file, report);
        if (damage.isPresent()) {
            setAside(store, kind, path, file, damage.get(), report);
            return;
        }
        if (kind == DumpContents.FileKind.QUARANTINE) {
            restoreQuarantined(store, path, file, report);
        } else {
            importEntry(store, path, file, report);
        }
    }

    /** Checks a file against its manifest line; returns what is wrong (missing, size, CRC) or empty. */
    private static Optional<String> checkListed(DumpContents contents, String path, Path file,
                                                ReloadReport.Builder report) throws StoreException {
        Optional<DumpManifest.Entry> listed = contents.getListed(path);
        if (listed.isEmpty()) {
            if (contents.isUnlisted(path)) {
                report.unlisted("dump file " + file + " is not listed in the manifest; restored only if intact");
            }
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of("missing: listed in the manifest of dump " + contents.getDump() + " with "
                + listed.get().size() + " bytes and CRC32C " + String.format("%08x", listed.get().crc32c())
                + ", but absent");
        }
        try {
            return DumpContents.checkAgainstManifest(file, listed.get());
        } catch (IOException e) {
            return Optional.of("unreadable: " + e);
        }
    }

    private static void setAside(SpoolStore store, DumpContents.FileKind kind, String path, Path file, String reason,
                                 ReloadReport.Builder report) throws StoreException {
        boolean missing = !Files.isRegularFile(file);
        String problem = "dump file " + file + ": " + reason;
        Path quarantined = store.quarantineCopy(quarantinePath(kind, path), Optional.of(file), problem);
        String described = problem + " -> quarantined as " + quarantined;
        if (missing) {
            report.missing(described);
        } else {
            report.damaged(described);
        }
    }

    private static Path quarantinePath(DumpContents.FileKind kind, String path) {
        Path relative = Paths.get(path);
        if (kind == DumpContents.FileKind.QUARANTINE) {
            return relative.subpath(1, relative.getNameCount());
        }
        return relative;
    }

    private static void importEntry(SpoolStore store, String path, Path file, ReloadReport.Builder report)
            throws StoreException {
        AreaId area;
        try {
            area = DumpContents.areaOf(path);
        } catch (IllegalArgumentException e) {
            setAside(store, DumpContents.FileKind.ENTRY, path, file, "undecodable area directory: " + e.getMessage(),
                report);
            return;
        }
        try {
            if (store.importEntry(area, file).isPresent()) {
                report.imported();
            } else {
                report.skippedPresent();
                LOGGER.debug("Dump entry already in the spool, skipped path={}", file);
            }
        } catch (CorruptEntryException e) {
            setAside(store, DumpContents.FileKind.ENTRY, path, file, e.getMessage(), report);
        }
    }

    private static void restoreQuarantined(SpoolStore store, String path, Path file, ReloadReport.Builder report)
            throws StoreException {
        if (store.restoreQuarantined(quarantinePath(DumpContents.FileKind.QUARANTINE, path), file)) {
            report.quarantineFileRestored();
        }
    }

    private void afterReplay(DumpDirectory directory, Path dump, ReloadReport.Builder report) throws IOException {
        if (DumpDirectory.isCheckpoint(dump)) {
            // A crash can leave an older current dump next to the checkpoint; it must not come back later.
            directory.retireCurrentDump();
        }
        if (afterReload == AfterReload.KEEP_AS_CHECKPOINT) {
            directory.keepAsCheckpoint(dump).ifPresent(report::keptAsCheckpoint);
        } else {
            maybeRetire(directory, dump).ifPresent(report::retiredAs);
        }
    }

    private static Optional<Path> maybeRetire(DumpDirectory directory, Path dump) throws IOException {
        String name = dump.getFileName().toString();
        boolean isCurrentKind = (name.startsWith(DumpDirectory.DUMP_PREFIX) || name.equals(DumpDirectory.CHECKPOINT))
            && dump.toAbsolutePath().normalize().getParent().equals(directory.getRoot());
        if (!isCurrentKind) {
            return Optional.empty();
        }
        return Optional.of(directory.retire(dump));
    }

    private static void logSummary(SpoolStore store, ReloadReport result) {
        String dump = result.getDump().map(Path::toString).orElse("<none>");
        if (result.hasProblems()) {
            LOGGER.warn("Spool reloaded with problems dump={} spool={} outcome={} imported={} skipped={} damaged={}"
                    + " missing={} unlisted={} manifestProblem={} quarantine={} durationMs={}", dump, store.getRoot(),
                result.getOutcome(), result.getImported(), result.getSkippedPresent(), result.getDamaged(),
                result.getMissing(), result.getUnlisted(), result.getManifestProblem().orElse("none"),
                store.getQuarantineDirectory(), result.getDurationMillis());
            result.getProblems().forEach(problem -> LOGGER.warn("Dump reload problem: {}", problem));
        } else {
            LOGGER.info("Spool reloaded dump={} spool={} outcome={} imported={} skipped={} quarantineFiles={}"
                    + " retiredAs={} keptAsCheckpoint={} durationMs={}", dump, store.getRoot(), result.getOutcome(),
                result.getImported(), result.getSkippedPresent(), result.getQuarantineFilesRestored(),
                result.getRetiredAs().map(Path::toString).orElse("<kept>"),
                result.getKeptAsCheckpoint().map(Path::toString).orElse("<no>"), result.getDurationMillis());
        }
    }

    private static Optional<Path> readMarker(Path marker) throws StoreException {
        try {
            String content = Files.readString(marker, StandardCharsets.UTF_8).trim();
            return content.isEmpty() ? Optional.empty() : Optional.of(Paths.get(content));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreException("cannot read reload marker " + marker + ": " + e, e);
        }
    }

    private static void removeStaleMarker(Path marker, Optional<Path> interrupted) throws StoreException {
        if (interrupted.isEmpty() && !Files.exists(marker)) {
            return;
        }
        LOGGER.info("Removing reload marker of a finished reload marker={} dump={}", marker,
            interrupted.map(Path::toString).orElse("<none>"));
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new StoreException("cannot remove reload marker " + marker + ": " + e, e);
        }
    }

    private static void writeMarker(Path marker, Path dump) throws StoreException {
        try {
            Files.writeString(marker, dump.toAbsolutePath().normalize() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot write reload marker " + marker + ": " + e, e);
        }
    }

    private static StoreException asStoreException(IOException e, String context) {
        if (e instanceof StoreLockedException) {
            return (StoreException) e;
        }
        return new DumpException(context + ": " + e.getMessage(), e);
    }
}
