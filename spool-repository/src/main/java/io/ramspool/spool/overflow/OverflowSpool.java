package io.ramspool.spool.overflow;

import java.io.Closeable;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;
import com.google.common.base.Preconditions;
import com.google.common.base.Stopwatch;
import com.google.common.util.concurrent.ThreadFactoryBuilder;

import io.ramspool.spool.IntakeReserve;
import io.ramspool.spool.SpoolStatus;
import io.ramspool.spool.StoreSpoolStatus;
import io.ramspool.spool.capacity.CapacityGuard;
import io.ramspool.spool.capacity.CapacitySnapshot;
import io.ramspool.spool.internal.store.AreaId;
import io.ramspool.spool.internal.store.BodyWriter;
import io.ramspool.spool.internal.store.CorruptEntryException;
import io.ramspool.spool.internal.store.EntryHeader;
import io.ramspool.spool.internal.store.SpoolEntry;
import io.ramspool.spool.internal.store.SpoolFullException;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;

/**
 * The overflow of the intake queue ({@code overflow=disk}): while the RAM spool is above its high
 * watermark, the intake queue writes new mail into a durable store on disk instead of refusing it,
 * and a mover thread copies that mail back into the RAM spool as soon as the guard accepts mail
 * again (below the low watermark, with hysteresis), oldest first.
 *
 * <p>Crash safety: an overflowed mail keeps the sequence number the RAM spool gave it. The move
 * commits the copy in the RAM spool before it deletes the overflow file; a crash between the two
 * leaves both, and the next start deletes the overflow copy of every sequence number the RAM spool
 * holds ({@link #attach}). The RAM spool's sequence numbers are advanced past every overflowed one
 * at open, so a RAM disk wiped by a reboot never reuses one.
 *
 * <p>Thread-safe. The mover runs on the daemon thread {@value #MOVER_THREAD}.
 *
 * <p>Limitations: overflowed mail is not listed, flushed or cleared by the queue's management
 * operations (webadmin's {@code /mailQueues}) until it is back in the RAM spool; {@code GET /ramspool}
 * counts it.
 */
public final class OverflowSpool implements Closeable {
    /** Where overflowed mail goes back to: the intake queue over the RAM spool. */
    public interface Destination {
        /**
         * Commits a copy of an entry file of the overflow into the RAM spool, not yet visible to
         * the queue's consumers.
         *
         * @return empty when the RAM spool already holds that sequence number (nothing written)
         */
        Optional<SpoolEntry> copyIn(Path source) throws StoreException;

        /** Makes a copied entry available to the queue's consumers. */
        void enqueue(SpoolEntry entry);
    }

    public static final String MOVER_THREAD = "ramspool-overflow-mover";
    private static final Logger LOGGER = LoggerFactory.getLogger(OverflowSpool.class);
    private static final long MOVE_INTERVAL_MILLIS = 200;

    private final AreaId area;
    private final SpoolStore disk;
    private final SpoolStore ram;
    private final CapacityGuard ramGuard;
    private final Optional<IntakeReserve> reserve;
    private final SpoolStatus diskStatus;
    private final ConcurrentSkipListMap<Long, SpoolEntry> waiting = new ConcurrentSkipListMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong divertedCount = new AtomicLong();
    private final AtomicLong movedCount = new AtomicLong();
    private volatile Optional<Destination> destination = Optional.empty();
    private volatile boolean diverting;
    private ScheduledExecutorService mover;

    private OverflowSpool(AreaId area, SpoolStore disk, SpoolStore ram, CapacityGuard ramGuard,
                          Optional<IntakeReserve> reserve, List<SpoolEntry> recovered) {
        this.area = area;
        this.disk = disk;
        this.ram = ram;
        this.ramGuard = ramGuard;
        this.reserve = reserve;
        this.diskStatus = new StoreSpoolStatus(disk);
        recovered.forEach(this::remember);
    }

    /**
     * Opens the overflow of {@code area} in {@code disk} (a durable store), takes the mail an
     * earlier run left there, and advances the RAM spool's sequence numbers past it.
     *
     * @param ramGuard the guard of the RAM spool: its state decides when mail is diverted and moved back
     * @param reserve the intake reserve of the RAM spool, which a move back must leave free
     */
    public static OverflowSpool open(AreaId area, SpoolStore disk, SpoolStore ram, CapacityGuard ramGuard,
                                     Optional<IntakeReserve> reserve) {
        Preconditions.checkArgument(disk.getOptions().isDurable(), "the overflow store %s must be durable",
            disk.getRoot());
        Preconditions.checkArgument(!disk.getRoot().equals(ram.getRoot()),
            "the overflow directory must not be the spool directory %s", ram.getRoot());
        OverflowSpool overflow = disk.view(area, recovered -> new OverflowSpool(area, disk, ram, ramGuard, reserve,
            recovered));
        overflow.waiting.keySet().stream().reduce(Math::max)
            .ifPresent(highest -> ram.advanceSequence(highest + 1));
        LOGGER.info("Spool overflow opened path={} area={} mails={} bytes={} ramSpool={}", disk.getRoot(),
            area.getName(), overflow.getEntryCount(), overflow.getBytes(), ram.getRoot());
        return overflow;
    }

    private void remember(SpoolEntry entry) {
        if (waiting.put(entry.getSequence(), entry) == null) {
            bytes.addAndGet(entry.getFileSize());
        }
    }

    private void forget(SpoolEntry entry) {
        if (waiting.remove(entry.getSequence()) != null) {
            bytes.addAndGet(-entry.getFileSize());
        }
    }

    /**
     * Connects the intake queue, removes the overflow copies of mail whose move back a crash
     * interrupted, and starts the mover.
     */
    public synchronized void attach(Destination intake) {
        Preconditions.checkState(destination.isEmpty(), "the overflow of %s already has its queue", area);
        int duplicates = removeCopiesAlreadyInRam();
        destination = Optional.of(intake);
        mover = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
            .setNameFormat(MOVER_THREAD).setDaemon(true).build());
        mover.scheduleWithFixedDelay(this::moveBackQuietly, 0, MOVE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        LOGGER.info("Spool overflow mover started path={} mails={} interruptedMovesCleaned={}", disk.getRoot(),
            getEntryCount(), duplicates);
    }

    private int removeCopiesAlreadyInRam() {
        int removed = 0;
        for (SpoolEntry entry : waiting.values()) {
            if (ram.containsEntry(area, entry.getSequence())) {
                deleteFromDisk(entry);
                removed++;
            }
        }
        return removed;
    }

    /** The RAM spool is above its high watermark (or full): new intake mail goes to disk. */
    public boolean shouldDivert() {
        boolean divert = ramGuard.snapshot().getState() != CapacitySnapshot.State.ACCEPTING;
        noteDiverting(divert);
        return divert;
    }

    private void noteDiverting(boolean divert) {
        if (divert == diverting) {
            return;
        }
        diverting = divert;
        if (divert) {
            LOGGER.warn("RAM spool above its high watermark, new mail goes to the overflow directory path={}"
                + " overflowMails={}", disk.getRoot(), getEntryCount());
        } else {
            LOGGER.info("RAM spool accepts mail again, new mail goes to the RAM spool path={} overflowMails={}",
                ram.getRoot(), getEntryCount());
        }
    }

    /**
     * Writes a new intake mail to the overflow, fsynced before this returns. {@code header} carries
     * a sequence number of the RAM spool.
     *
     * @throws SpoolFullException when the overflow's cap or its disk is full
     */
    public SpoolEntry divert(EntryHeader header, BodyWriter body) throws StoreException {
        SpoolEntry entry = disk.write(area, header, body);
        remember(entry);
        divertedCount.incrementAndGet();
        return entry;
    }

    private void moveBackQuietly() {
        try {
            moveBack();
        } catch (RuntimeException e) {
            // The mover must keep running: the mail stays on disk and the next pass tries again.
            LOGGER.error("Spool overflow mover failed path={}", disk.getRoot(), e);
        }
    }

    /**
     * Moves overflowed mail back into the RAM spool, oldest first, while the RAM spool accepts mail
     * and the intake reserve stays free. Runs on the mover thread; tests call it directly.
     *
     * @return how many mails were moved
     */
    @VisibleForTesting
    public synchronized int moveBack() {
        Optional<Destination> intake = destination;
        if (intake.isEmpty() || waiting.isEmpty()) {
            return 0;
        }
        Stopwatch stopwatch = Stopwatch.createStarted();
        int moved = 0;
        Map.Entry<Long, SpoolEntry> next = waiting.firstEntry();
        while (next != null && hasRoomInRamFor(next.getValue()) && moveOne(intake.get(), next.getValue())) {
            moved++;
            next = waiting.firstEntry();
        }
        if (moved > 0) {
            movedCount.addAndGet(moved);
            LOGGER.info("Spool overflow moved mails back to the RAM spool moved={} left={} durationMs={}", moved,
                getEntryCount(), stopwatch.elapsed(TimeUnit.MILLISECONDS));
        }
        return moved;
    }

    private boolean hasRoomInRamFor(SpoolEntry entry) {
        boolean accepting = ramGuard.snapshot().getState() == CapacitySnapshot.State.ACCEPTING;
        return accepting && reserve.map(intakeReserve -> intakeReserve.admits(entry.getFileSize())).orElse(true);
    }

    /**
     * Copies one mail into the RAM spool, deletes its overflow file, and only then lets the queue
     * deliver the copy: once the mail can be delivered, no overflow copy is left that a crash
     * could bring back a second time. A crash between the copy and the deletion leaves both
     * files; the next start keeps the RAM copy ({@link #attach}).
     */
    private boolean moveOne(Destination intake, SpoolEntry entry) {
        Optional<SpoolEntry> copy;
        try {
            copy = intake.copyIn(entry.getPath());
        } catch (CorruptEntryException e) {
            quarantine(entry, e);
            return true;
        } catch (SpoolFullException e) {
            LOGGER.debug("RAM spool full, the overflow waits path={} sequence={}", ram.getRoot(), entry.getSequence());
            return false;
        } catch (StoreException e) {
            LOGGER.warn("Cannot move an overflowed mail back to the RAM spool, it stays on disk path={}",
                entry.getPath(), e);
            return false;
        }
        boolean deleted = deleteFromDisk(entry);
        copy.ifPresent(intake::enqueue);
        return deleted;
    }

    private boolean deleteFromDisk(SpoolEntry entry) {
        try {
            disk.delete(entry);
            forget(entry);
            return true;
        } catch (StoreException e) {
            // The RAM copy is committed and goes on; the overflow copy stays. If the RAM copy is
            // delivered before the next start, that start moves the file back and delivers it again.
            LOGGER.warn("Cannot delete an overflow file moved to the RAM spool, it may be delivered twice"
                + " path={}", entry.getPath(), e);
            forget(entry);
            return true;
        }
    }

    private void quarantine(SpoolEntry entry, CorruptEntryException cause) {
        Path relative = Paths.get(area.getKind().getDirectoryName(), area.encodedName(),
            entry.getPath().getFileName().toString());
        try {
            disk.quarantineCopy(relative, Optional.of(entry.getPath()), cause.getMessage());
            disk.delete(entry);
            forget(entry);
            LOGGER.error("Damaged overflow file quarantined path={} quarantine={} reason={}", entry.getPath(),
                disk.getQuarantineDirectory(), cause.getMessage());
        } catch (StoreException e) {
            LOGGER.error("Cannot quarantine a damaged overflow file, it stays in place path={}", entry.getPath(), e);
        }
    }

    /** Room and usage of the overflow directory, for the capacity guard and the status route. */
    public SpoolStatus getStatus() {
        return diskStatus;
    }

    public Path getDirectory() {
        return disk.getRoot();
    }

    /** Mails waiting in the overflow. */
    public long getEntryCount() {
        return waiting.size();
    }

    /** Bytes of the mail files waiting in the overflow. */
    public long getBytes() {
        return bytes.get();
    }

    /** Mails written to the overflow since start. */
    public long getDivertedCount() {
        return divertedCount.get();
    }

    /** Mails moved back to the RAM spool since start. */
    public long getMovedCount() {
        return movedCount.get();
    }

    /** Whether new intake mail went to disk at the last decision. */
    public boolean isDiverting() {
        return diverting;
    }

    /** Stops the mover; the mail left in the overflow stays on disk for the next start. */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = mover;
            mover = null;
            destination = Optional.empty();
        }
        if (running != null) {
            running.shutdownNow();
            awaitMover(running);
        }
    }

    private void awaitMover(ScheduledExecutorService running) {
        try {
            if (!running.awaitTermination(10, TimeUnit.SECONDS)) {
                LOGGER.warn("Spool overflow mover did not stop within 10 s path={}", disk.getRoot());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
