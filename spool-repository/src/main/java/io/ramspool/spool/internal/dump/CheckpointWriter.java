package io.ramspool.spool.internal.dump;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;
import com.google.common.base.Preconditions;
import com.google.common.base.Stopwatch;

import io.ramspool.spool.dump.CheckpointStatus;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.internal.store.StoreListener;

/**
 * The continuous checkpoint: mirrors every committed and every deleted entry of a running store
 * into {@code <dumpDir>/checkpoint/} with a bounded lag, so that after a power loss a reload
 * brings back every mail committed more than the lag before, and nothing delivered more than the
 * lag before.
 *
 * <p>How. The store tells this writer of each change ({@link StoreListener}); the listener only
 * appends the change to an in-memory queue, so no caller of the store waits for the dump disk. One
 * thread wakes every half lag, takes the waiting changes, keeps the last change per file (a mail
 * committed and delivered within one batch is never copied), copies each new entry to a temporary
 * file, fsyncs the batch's files together, renames them into place, deletes the copies of removed
 * entries, and fsyncs each touched directory once ({@link CheckpointBatch}). A change is thus on
 * the disk at most half a lag after it was made, plus the duration of one batch.
 *
 * <p>When the queued changes may not tell the whole story (at start, after a failed batch, after
 * more than {@code maxPending} changes waited), the writer compares the whole store with the
 * checkpoint instead: it first deletes the copies of entries the store no longer holds (delivered
 * mail: this never removes a mail the store holds, and it frees space on a full disk), then copies
 * what is missing, so the checkpoint keeps every live entry it had while it catches up. At start, without a
 * checkpoint, the first one is built in {@code checkpoint.partial} and put in place atomically; it
 * then supersedes the current dump ({@link DumpDirectory#establishCheckpoint}).
 *
 * <p>Failures of the dump disk never reach the store's callers: they are counted, logged at ERROR
 * (the first one, then at most every ten seconds, with counts) and retried after a pause that
 * doubles up to thirty seconds; the next attempt compares the whole store. Falling behind the lag
 * is logged at WARN with counts, catching up at INFO.
 *
 * <p>Holds the dump directory's lock from {@link #start} to the end of {@link #stop}: no dump,
 * reload or second checkpoint runs on that directory meanwhile. Thread-safe.
 *
 * <p>Limitations: the lag holds only while the dump disk keeps up (one batch in less than half
 * the lag); the status and the log say when it does not. Quarantine files are copied at each full
 * comparison (at start, after failures), not as they appear.
 */
public final class CheckpointWriter implements StoreListener {
    /** About 150 bytes of heap per waiting change, so at most some 15 MB. */
    static final int DEFAULT_MAX_PENDING = 100_000;
    private static final Logger LOGGER = LoggerFactory.getLogger(CheckpointWriter.class);
    static final int DEFAULT_MAX_BATCH = 5_000;
    private static final int COMPARISON_CHUNK = 1_000;
    private static final long NONE = Long.MAX_VALUE;
    private static final long MAX_PAUSE_MILLIS = TimeUnit.SECONDS.toMillis(30);
    private static final long LOG_INTERVAL_MILLIS = TimeUnit.SECONDS.toMillis(10);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final int IO_THREADS = 4;

    private final SpoolStore store;
    private final DumpDirectory directory;
    private final Path checkpoint;
    private final Duration maxLag;
    private final Clock clock;
    private final int maxPending;
    private final int maxBatch;
    private final long intervalMillis;
    private final ExecutorService io;
    private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean resyncNeeded = new AtomicBoolean(true);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicLong copied = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile long batchOldest = NONE;
    private volatile CheckpointStatus.State state = CheckpointStatus.State.STARTING;
    private volatile Optional<Instant> lastFlush = Optional.empty();
    private volatile Optional<String> lastError = Optional.empty();
    private long unmirroredSince;
    private long unmirroredGeneration;
    private Thread thread;
    private boolean established;
    private int consecutiveFailures;
    private long lastErrorLog;
    private long lastLagWarning;
    private boolean behind;

    /**
     * One change of the store, stamped when the store reported it. It keeps the entry's area and
     * path, not the entry: a delivered mail's header must not stay in memory because of it.
     */
    private record Change(boolean committed, AreaId area, Path path, long atMillis) {
    }

    private CheckpointWriter(SpoolStore store, DumpDirectory directory, Duration maxLag, Clock clock,
                             int maxPending, int maxBatch) {
        this.store = store;
        this.directory = directory;
        this.checkpoint = directory.getRoot().resolve(DumpDirectory.CHECKPOINT);
        this.maxLag = maxLag;
        this.clock = clock;
        this.maxPending = maxPending;
        this.maxBatch = maxBatch;
        this.intervalMillis = Math.max(1, maxLag.toMillis() / 2);
        this.io = Executors.newFixedThreadPool(IO_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "ramspool-checkpoint-io");
            thread.setDaemon(true);
            return thread;
        });
        // Until the first comparison completes, the checkpoint may miss anything the store holds.
        this.unmirroredSince = clock.millis();
    }

    /**
     * Takes the lock of {@code dumpDir} (creating it), starts listening to {@code store} and starts
     * the writer thread, which first brings the checkpoint up to date with the whole store.
     *
     * @throws io.ramspool.spool.internal.store.StoreLockedException when a dump, reload or
     *     checkpoint holds the dump directory
     * @throws DumpException when the dump directory cannot be created or locked
     */
    public static CheckpointWriter start(SpoolStore store, Path dumpDir, Duration maxLag, Clock clock)
            throws StoreException {
        CheckpointWriter writer = open(store, dumpDir, maxLag, clock, DEFAULT_MAX_PENDING, DEFAULT_MAX_BATCH);
        writer.thread = new Thread(writer::loop, "ramspool-checkpoint");
        writer.thread.setDaemon(true);
        writer.thread.start();
        LOGGER.info("Checkpoint started path={} spool={} maxLagMs={}", writer.checkpoint, store.getRoot(),
            maxLag.toMillis());
        return writer;
    }

    /** A writer without its thread: the test drives it with {@link #runCycle()}. */
    @VisibleForTesting
    static CheckpointWriter open(SpoolStore store, Path dumpDir, Duration maxLag, Clock clock, int maxPending,
                                 int maxBatch) throws StoreException {
        Preconditions.checkArgument(!maxLag.isNegative() && !maxLag.isZero(), "maxLag must be positive, got %s",
            maxLag);
        Preconditions.checkArgument(maxPending > 0, "maxPending must be positive, got %s", maxPending);
        Preconditions.checkArgument(maxBatch > 0, "maxBatch must be positive, got %s", maxBatch);
        DumpDirectory directory = DumpDirectory.lock(dumpDir, true);
        CheckpointWriter writer = new CheckpointWriter(store, directory, maxLag, clock, maxPending, maxBatch);
        store.addListener(writer);
        return writer;
    }

    @Override
    public void committed(SpoolEntry entry) {
        offer(true, entry);
    }

    @Override
    public void deleted(SpoolEntry entry) {
        offer(false, entry);
    }

    private void offer(boolean committed, SpoolEntry entry) {
        if (resyncNeeded.get()) {
            // A full comparison is due and will list the store after this change: nothing to queue.
            // This keeps memory flat while the dump disk fails.
            return;
        }
        Change change = new Change(committed, entry.getArea(), entry.getPath(), clock.millis());
        if (pending.incrementAndGet() > maxPending) {
            // Memory stays bounded; the full comparison that follows covers what is not queued.
            pending.decrementAndGet();
            dropped.incrementAndGet();
            markUnmirrored(change.atMillis());
            resyncNeeded.set(true);
            return;
        }
        changes.offer(change);
    }

    private void loop() {
        while (stopRequested.getCount() > 0) {
            long started = System.nanoTime();
            boolean succeeded = runCycle();
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            awaitStop(succeeded ? intervalMillis - elapsed : failurePause());
        }
        finish();
    }

    private void awaitStop(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            stopRequested.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.countDown();
        }
    }

    private long failurePause() {
        return Math.min(MAX_PAUSE_MILLIS, intervalMillis << Math.min(consecutiveFailures, 16));
    }

    /**
     * One round of the writer: a full comparison when needed, then the waiting changes. Returns
     * false when the dump disk failed (counted and logged; the next round compares everything).
     */
    @VisibleForTesting
    boolean runCycle() {
        try {
            if (resyncNeeded.getAndSet(false)) {
                resync();
            }
            // A full batch means more is waiting: a writer behind the spool takes the next batch at
            // once, and returns to the loop (lag check, stop request) at least every interval.
            long started = System.nanoTime();
            while (flushChanges() == maxBatch
                    && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < intervalMillis) {
                LOGGER.debug("Checkpoint batch full, writing the next one pendingChanges={}", pending.get());
            }
            succeeded();
            return true;
        } catch (IOException | RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** Writes one batch of waiting changes; returns how many changes it took. */
    private int flushChanges() throws IOException {
        Change head = changes.peek();
        if (head == null) {
            return 0;
        }
        if (!Files.isDirectory(checkpoint)) {
            // Copying into a recreated, empty directory would publish a checkpoint missing most mail.
            throw new IOException("checkpoint directory " + checkpoint + " disappeared; it is built again");
        }
        batchOldest = head.atMillis();
        List<Change> batch = drain(maxBatch);
        long oldest = batch.stream().mapToLong(Change::atMillis).min().orElse(head.atMillis());
        try {
            applyBatch(batch);
        } catch (IOException | RuntimeException e) {
            markUnmirrored(Math.min(oldest, head.atMillis()));
            throw e;
        } finally {
            batchOldest = NONE;
        }
        batches.incrementAndGet();
        lastFlush = Optional.of(clock.instant());
        return batch.size();
    }

    private List<Change> drain(int max) {
        List<Change> batch = new ArrayList<>();
        for (Change change = changes.poll(); change != null; change = changes.poll()) {
            pending.decrementAndGet();
            batch.add(change);
            if (batch.size() >= max) {
                break;
            }
        }
        return batch;
    }

    private void applyBatch(List<Change> batch) throws IOException {
        Map<String, Change> lastChangePerFile = new LinkedHashMap<>();
        for (Change change : batch) {
            lastChangePerFile.put(relativeDirectory(change.area()) + "/" + change.path().getFileName(), change);
        }
        CheckpointBatch files = new CheckpointBatch(checkpoint, io);
        try {
            for (Map.Entry<String, Change> change : lastChangePerFile.entrySet()) {
                if (change.getValue().committed()) {
                    files.copyIfMissing(change.getValue().path(), change.getKey());
                } else {
                    files.delete(change.getKey());
                }
            }
            files.commit();
        } finally {
            files.discard();
            copied.addAndGet(files.getCopied());
            deleted.addAndGet(files.getDeleted());
        }
        LOGGER.debug("Checkpoint batch written changes={} copied={} deleted={} vanished={}", batch.size(),
            files.getCopied(), files.getDeleted(), files.getVanished());
    }

    private static String relativeDirectory(AreaId area) {
        return area.getKind().getDirectoryName() + "/" + area.encodedName();
    }

    /**
     * Compares the whole store with the checkpoint and makes them equal, building the first
     * checkpoint when there is none. Changes waiting in the queue are dropped first: the store
     * as listed afterwards already shows their effect.
     */
    private void resync() throws IOException {
        long generation = unmirroredGeneration();
        discardWaitingChanges();
        Stopwatch stopwatch = Stopwatch.createStarted();
        boolean building = !Files.isDirectory(checkpoint);
        Path target = building ? directory.createCheckpointPartial() : checkpoint;
        CheckpointBatch files = new CheckpointBatch(target, io);
        try {
            compare(target, files);
        } finally {
            files.discard();
            copied.addAndGet(files.getCopied());
            deleted.addAndGet(files.getDeleted());
        }
        if (building) {
            directory.establishCheckpoint(target);
        }
        resyncs.incrementAndGet();
        clearUnmirrored(generation);
        lastFlush = Optional.of(clock.instant());
        LOGGER.info("Checkpoint {} path={} spoolEntries={} copied={} removed={} durationMs={}",
            established ? "compared with the whole spool" : building ? "built" : "resumed", checkpoint,
            store.getEntryCount(), files.getCopied(), files.getDeleted(), stopwatch.elapsed().toMillis());
        established = true;
    }

    private void discardWaitingChanges() {
        while (changes.poll() != null) {
            pending.decrementAndGet();
        }
    }

    private void compare(Path target, CheckpointBatch files) throws IOException {
        removeTemporaries(target);
        Map<String, Path> inStore = new LinkedHashMap<>();
        for (AreaId area : store.listAreas()) {
            String prefix = relativeDirectory(area) + "/";
            for (Path file : store.listEntryFiles(area)) {
                inStore.put(prefix + file.getFileName(), file);
            }
        }
        // Only this thread adds files to the checkpoint, so a copy the listing lacks is of a
        // deleted entry: removing it first frees space and never drops a mail the store holds.
        for (String relative : listEntries(target)) {
            if (!inStore.containsKey(relative)) {
                files.delete(relative);
            }
        }
        files.commit();
        for (Map.Entry<String, Path> entry : inStore.entrySet()) {
            files.copyIfMissing(entry.getValue(), entry.getKey());
            commitFullChunk(files);
        }
        for (Path relative : store.listQuarantineFiles()) {
            files.copyIfMissing(store.getQuarantineDirectory().resolve(relative),
                DumpContents.QUARANTINE + "/" + relative.toString().replace('\\', '/'));
            commitFullChunk(files);
        }
        files.commit();
    }

    private static void commitFullChunk(CheckpointBatch files) throws IOException {
        if (files.pendingCopies() >= COMPARISON_CHUNK) {
            files.commit();
        }
    }

    private static void removeTemporaries(Path target) throws IOException {
        List<Path> temporaries;
        try (Stream<Path> walk = Files.walk(target)) {
            temporaries = walk.filter(path -> path.getFileName().toString().startsWith(DumpContents.TEMPORARY_PREFIX))
                .toList();
        }
        for (Path temporary : temporaries) {
            Files.deleteIfExists(temporary);
        }
    }

    /** The entry files of the checkpoint, as paths relative to it. */
    private static List<String> listEntries(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        for (AreaId.Kind kind : AreaId.Kind.values()) {
            Path kindDirectory = target.resolve(kind.getDirectoryName());
            if (!Files.isDirectory(kindDirectory)) {
                continue;
            }
            try (DirectoryStream<Path> areas = Files.newDirectoryStream(kindDirectory)) {
                for (Path area : areas) {
                    listAreaEntries(target, area, entries);
                }
            }
        }
        return entries;
    }

    private static void listAreaEntries(Path target, Path area, List<String> entries) throws IOException {
        if (!Files.isDirectory(area)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(area, "*.msg")) {
            for (Path file : files) {
                if (!file.getFileName().toString().startsWith(DumpContents.TEMPORARY_PREFIX)) {
                    entries.add(target.relativize(file).toString().replace('\\', '/'));
                }
            }
        }
    }

    private void succeeded() {
        if (consecutiveFailures > 0) {
            LOGGER.info("Checkpoint writes succeed again path={} failedAttempts={} lagMs={}", checkpoint,
                consecutiveFailures, currentLagMillis());
            consecutiveFailures = 0;
        }
        state = CheckpointStatus.State.RUNNING;
        checkLag();
    }

    private void checkLag() {
        long lag = currentLagMillis();
        long now = clock.millis();
        if (lag > maxLag.toMillis()) {
            if (!behind || now - lastLagWarning >= LOG_INTERVAL_MILLIS) {
                LOGGER.warn("Checkpoint is behind the spool, a power loss now would lose more than the configured lag"
                        + " path={} lagMs={} maxLagMs={} pendingChanges={} droppedChanges={} batches={} copied={}",
                    checkpoint, lag, maxLag.toMillis(), pending.get(), dropped.get(), batches.get(), copied.get());
                lastLagWarning = now;
            }
            behind = true;
        } else if (behind) {
            behind = false;
            LOGGER.info("Checkpoint caught up path={} lagMs={} maxLagMs={} droppedChanges={}", checkpoint, lag,
                maxLag.toMillis(), dropped.get());
        }
    }

    private void failed(Exception e) {
        failures.incrementAndGet();
        consecutiveFailures++;
        resyncNeeded.set(true);
        if (established) {
            state = CheckpointStatus.State.FAILING;
        }
        String cause = DumpWriter.isOutOfSpace(e) ? "the dump file system is full (" + e.getMessage() + ")"
            : e.toString();
        lastError = Optional.of("checkpoint " + checkpoint + ": " + cause);
        long now = clock.millis();
        if (consecutiveFailures == 1 || now - lastErrorLog >= LOG_INTERVAL_MILLIS) {
            LOGGER.error("Checkpoint write failed; the relay keeps running, the checkpoint falls behind and is"
                    + " compared with the whole spool at the next attempt path={} cause={} failures={}"
                    + " consecutiveFailures={} pendingChanges={} lagMs={}", checkpoint, cause, failures.get(),
                consecutiveFailures, pending.get(), currentLagMillis(), e);
            lastErrorLog = now;
        }
    }

    private synchronized void markUnmirrored(long sinceMillis) {
        unmirroredSince = Math.min(unmirroredSince, sinceMillis);
        unmirroredGeneration++;
    }

    private synchronized long unmirroredGeneration() {
        return unmirroredGeneration;
    }

    private synchronized void clearUnmirrored(long generation) {
        if (unmirroredGeneration == generation) {
            unmirroredSince = NONE;
        }
    }

    private synchronized long unmirroredSince() {
        return unmirroredSince;
    }

    private long currentLagMillis() {
        long oldest = Math.min(batchOldest, unmirroredSince());
        Change head = changes.peek();
        if (head != null) {
            oldest = Math.min(oldest, head.atMillis());
        }
        return oldest == NONE ? 0 : Math.max(0, clock.millis() - oldest);
    }

    /** Where the checkpoint stands now. Cheap; callable from any thread. */
    public CheckpointStatus getStatus() {
        return CheckpointStatus.builder()
            .state(state)
            .directory(checkpoint)
            .maxLag(maxLag)
            .lag(Duration.ofMillis(currentLagMillis()))
            .pendingChanges(pending.get())
            .copiedEntries(copied.get())
            .deletedEntries(deleted.get())
            .batches(batches.get())
            .resyncs(resyncs.get())
            .failures(failures.get())
            .droppedChanges(dropped.get())
            .lastFlush(lastFlush)
            .lastError(lastError)
            .build();
    }

    /**
     * Stops listening, writes every change still waiting (one more attempt even after failures),
     * stops the thread and releases the dump directory. Call it after the queues and repositories
     * have stopped changing the store; later changes are not mirrored. Blocks until the last batch
     * is written (at most two minutes). Idempotent.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        stopRequested.countDown();
        if (thread == null) {
            finish();
            return;
        }
        try {
            thread.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOGGER.error("Checkpoint writer did not stop within {} s; the checkpoint may miss the last changes path={}",
                STOP_TIMEOUT.toSeconds(), checkpoint);
        }
    }

    private void finish() {
        store.removeListener(this);
        boolean upToDate = runCycle();
        while (upToDate && !changes.isEmpty()) {
            upToDate = runCycle();
        }
        state = CheckpointStatus.State.STOPPED;
        io.shutdownNow();
        try {
            directory.close();
        } catch (IOException e) {
            LOGGER.warn("Cannot release dump directory path={}", directory.getRoot(), e);
        }
        if (upToDate) {
            LOGGER.info("Checkpoint stopped, up to date with the spool path={} copied={} deleted={} batches={}"
                    + " resyncs={} failures={} droppedChanges={}", checkpoint, copied.get(), deleted.get(),
                batches.get(), resyncs.get(), failures.get(), dropped.get());
        } else {
            LOGGER.warn("Checkpoint stopped behind the spool; a dump at stop supersedes it path={} lagMs={}"
                    + " failures={} lastError={}", checkpoint, currentLagMillis(), failures.get(),
                lastError.orElse("<none>"));
        }
    }
}
