package io.ramspool.spool.dump;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import io.ramspool.spool.internal.dump.DumpDirectory;
import io.ramspool.spool.internal.dump.DumpException;
import io.ramspool.spool.internal.dump.DumpReloader;
import io.ramspool.spool.internal.dump.DumpVerifier;
import io.ramspool.spool.internal.dump.DumpWriter;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.internal.store.StoreOptions;

/**
 * Dump and reload of a whole spool store: the operations that the server's start and stop and
 * the {@code ramspool} tool share. See {@code docs/dump-and-reload.md} for the format and the
 * runbooks.
 *
 * <p>Order at start: {@link #reloadIfEmpty(StoreOptions, Path)} before the store is opened for
 * James ({@code SpoolStores.open}); at stop: {@link #dump(StoreOptions, Path)} after James has
 * stopped and the store was closed ({@code SpoolStores.close}).
 *
 * <p>A reload replays the checkpoint of the dump directory when there is one (see
 * {@link SpoolCheckpoint}), else the current dump.
 *
 * <p>Limitations: a dump is a copy taken at one moment; mail accepted after it (or, without a
 * clean stop, since the last dump) is lost when the machine loses power, unless the continuous
 * checkpoint runs.
 */
public final class SpoolDumps {
    private SpoolDumps() {
    }

    /**
     * Dumps an open store. Meant for a store whose queues have stopped; on a store in use, mail
     * committed while the dump runs may be left out, mail deleted meanwhile is left out.
     *
     * @throws DumpException when the dump cannot be written: the previous dump is untouched
     * @throws io.ramspool.spool.internal.store.StoreLockedException when another dump or reload runs on dumpDir
     */
    public static DumpReport dump(SpoolStore store, Path dumpDir, ProgressListener progress) throws StoreException {
        return new DumpWriter(Clock.systemUTC(), progress).write(store, dumpDir);
    }

    public static DumpReport dump(SpoolStore store, Path dumpDir) throws StoreException {
        return dump(store, dumpDir, ProgressListener.NONE);
    }

    /**
     * Opens the store (taking its lock and running its recovery scan), dumps it, and closes it.
     *
     * @throws io.ramspool.spool.internal.store.StoreLockedException when a server or tool holds
     *     the store or the dump directory
     */
    public static DumpReport dump(StoreOptions options, Path dumpDir, ProgressListener progress) throws StoreException {
        try (SpoolStore store = SpoolStore.open(options)) {
            return dump(store, dumpDir, progress);
        } catch (IOException e) {
            throw asStoreException(e, "cannot close spool " + options.getRoot());
        }
    }

    public static DumpReport dump(StoreOptions options, Path dumpDir) throws StoreException {
        return dump(options, dumpDir, ProgressListener.NONE);
    }

    /**
     * Opens the store, replays the checkpoint or the current dump of {@code dumpDir} into it when
     * it holds no mail (or finishes an interrupted reload), retires what it replayed, and closes
     * the store. Must run before the store is opened for James in this JVM, or it fails with a
     * StoreLockedException.
     */
    public static ReloadReport reloadIfEmpty(StoreOptions options, Path dumpDir) throws StoreException {
        return reloadIfEmpty(options, dumpDir, AfterReload.RETIRE);
    }

    /** Like {@link #reloadIfEmpty(StoreOptions, Path)}, with a choice of what becomes of the replayed dump. */
    public static ReloadReport reloadIfEmpty(StoreOptions options, Path dumpDir, AfterReload afterReload)
            throws StoreException {
        return restore(options, dumpDir, Optional.empty(), ProgressListener.NONE, afterReload);
    }

    /**
     * Like {@link #reloadIfEmpty(StoreOptions, Path)}, replaying {@code explicitDump} (for example
     * a {@code retired-dump-...} directory) instead of the current dump when it is given.
     */
    public static ReloadReport restore(StoreOptions options, Path dumpDir, Optional<Path> explicitDump,
                                       ProgressListener progress) throws StoreException {
        return restore(options, dumpDir, explicitDump, progress, AfterReload.RETIRE);
    }

    /**
     * Like {@link #restore(StoreOptions, Path, Optional, ProgressListener)}; {@code afterReload}
     * says whether the replayed dump is retired or kept as the checkpoint.
     */
    public static ReloadReport restore(StoreOptions options, Path dumpDir, Optional<Path> explicitDump,
                                       ProgressListener progress, AfterReload afterReload) throws StoreException {
        try (SpoolStore store = SpoolStore.open(options)) {
            return new DumpReloader(progress, afterReload).reloadIfEmpty(store, dumpDir, explicitDump);
        } catch (IOException e) {
            throw asStoreException(e, "cannot close spool " + options.getRoot());
        }
    }

    /**
     * Replays into an already open store. Every queue and repository of the store must be created
     * after this returns: an area whose view exists cannot take imported entries
     * (IllegalStateException).
     */
    public static ReloadReport reloadIfEmpty(SpoolStore store, Path dumpDir) throws StoreException {
        return new DumpReloader(ProgressListener.NONE).reloadIfEmpty(store, dumpDir, Optional.empty());
    }

    /**
     * Marks the spool at {@code spoolRoot} as served by a relay from now on: a later reload finds
     * the marker and does not replay a dump into it, even when it is empty, because the dump is
     * older than what the spool has seen (see {@link ReloadReport.Outcome#SPOOL_IN_SERVICE}). A RAM
     * disk wiped by a reboot loses the marker with the mail, and the dump is replayed. Call it
     * after the reload and before the relay takes mail.
     */
    public static void markInService(Path spoolRoot) throws StoreException {
        try {
            Files.createDirectories(spoolRoot);
            Path marker = spoolRoot.resolve(DumpReloader.IN_SERVICE);
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
        } catch (IOException e) {
            throw asStoreException(e, "cannot mark spool " + spoolRoot + " as in service");
        }
    }

    /** The current dump (the one CURRENT names), if any. */
    public static Optional<Path> findCurrent(Path dumpDir) throws StoreException {
        if (!Files.isDirectory(dumpDir)) {
            return Optional.empty();
        }
        try (DumpDirectory directory = DumpDirectory.lock(dumpDir, false)) {
            return directory.findCurrent();
        } catch (IOException e) {
            throw asStoreException(e, "cannot read dump directory " + dumpDir);
        }
    }

    /** The checkpoint directory, if there is one. Does not take the dump directory's lock. */
    public static Optional<Path> findCheckpoint(Path dumpDir) {
        Path checkpoint = dumpDir.resolve(DumpDirectory.CHECKPOINT);
        return Files.isDirectory(checkpoint) ? Optional.of(checkpoint) : Optional.empty();
    }

    /** What a reload would replay: the checkpoint when there is one, else the current dump. */
    public static Optional<Path> findReloadSource(Path dumpDir) throws StoreException {
        Optional<Path> checkpoint = findCheckpoint(dumpDir);
        return checkpoint.isPresent() ? checkpoint : findCurrent(dumpDir);
    }

    /** Checks one dump directory without changing anything. */
    public static DumpVerification verify(Path dump, ProgressListener progress) throws StoreException {
        return new DumpVerifier(progress).verify(dump);
    }

    private static StoreException asStoreException(IOException e, String context) {
        if (e instanceof StoreException) {
            return (StoreException) e;
        }
        return new DumpException(context + ": " + e, e);
    }
}
