package io.ramspool.distribution.webadmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.capacity.CapacityGuard;
import io.ramspool.spool.capacity.CapacitySnapshot;
import io.ramspool.spool.capacity.SpoolMetrics;
import io.ramspool.spool.dump.DumpReport;
import io.ramspool.spool.dump.SpoolDumpService;
import io.ramspool.spool.internal.store.SpoolStore;
import io.ramspool.spool.internal.store.StoreException;
import io.ramspool.spool.internal.store.StoreLockedException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Webadmin routes of the RAM spool, under {@value #BASE}:
 *
 * <ul>
 *   <li>{@code GET /ramspool}: usage against the watermarks, the guard's state, the overflow
 *       directory (when {@code overflow=disk}), every open queue (waiting, in flight, enqueued and
 *       dequeued since start, oldest mail age), and the dump and checkpoint settings and state,
 *       with the last dump this server wrote.</li>
 *   <li>{@code POST /ramspool/dump}: dumps the running spool to the dump directory now and answers
 *       the dump's report; 409 while the continuous checkpoint runs or another dump is being
 *       written, 500 when the dump fails (the previous dump stays current).</li>
 * </ul>
 */
public class SpoolRoutes implements Routes {
    public static final String BASE = "/ramspool";
    public static final String DUMP = BASE + "/dump";
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolRoutes.class);

    private final CapacityGuard guard;
    private final RamSpoolMailQueueFactory queues;
    private final SpoolConfiguration spool;
    private final SpoolDumpService dumps;
    private final SpoolMetrics metrics;
    private final SpoolStore store;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public SpoolRoutes(CapacityGuard guard, RamSpoolMailQueueFactory queues, SpoolConfiguration spool,
                       SpoolDumpService dumps, SpoolMetrics metrics, SpoolStore store) {
        this.guard = guard;
        this.queues = queues;
        this.spool = spool;
        this.dumps = dumps;
        this.metrics = metrics;
        this.store = store;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::status, json);
        service.post(DUMP, this::dumpNow, json);
    }

    private Map<String, Object> dumpNow(Request request, Response response) {
        try {
            return report(dumps.dumpNow(store));
        } catch (IllegalStateException | StoreLockedException e) {
            throw ErrorResponder.builder()
                .statusCode(HttpStatus.CONFLICT_409)
                .type(ErrorResponder.ErrorType.WRONG_STATE)
                .message("no dump written: " + e.getMessage())
                .haltError();
        } catch (StoreException e) {
            LOGGER.error("Spool dump asked over webadmin failed, the previous dump stays current dumpDirectory={}",
                dumps.getDumpConfiguration().getDumpDirectory(), e);
            throw ErrorResponder.builder()
                .statusCode(HttpStatus.INTERNAL_SERVER_ERROR_500)
                .type(ErrorResponder.ErrorType.SERVER_ERROR)
                .message("dump failed, the previous dump stays current: " + e.getMessage())
                .cause(e)
                .haltError();
        }
    }

    private static Map<String, Object> report(DumpReport report) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("path", report.getDump().toString());
        values.put("mails", report.getEntries());
        values.put("bytes", report.getBytes());
        values.put("damagedEntries", report.getDamagedEntries());
        values.put("quarantineFiles", report.getQuarantineFiles());
        values.put("durationMillis", report.getDurationMillis());
        return values;
    }

    private Map<String, Object> status(Request request, Response response) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("directory", spool.getDirectory().toAbsolutePath().toString());
        status.put("durability", spool.getDurability().name().toLowerCase(Locale.ROOT));
        status.put("capacity", capacity(guard.snapshot()));
        status.put("overflow", overflowStatus());
        status.put("oldestMailAgeSeconds", metrics.oldestMailAgeSeconds());
        status.put("queues", queueStatuses());
        status.put("dump", dumpStatus());
        return status;
    }

    private static Map<String, Object> capacity(CapacitySnapshot snapshot) {
        Map<String, Object> capacity = new LinkedHashMap<>();
        capacity.put("state", snapshot.getState().name());
        capacity.put("capacityBytes", snapshot.getCapacityBytes());
        capacity.put("occupiedBytes", snapshot.getOccupiedBytes());
        capacity.put("availableBytes", snapshot.getAvailableBytes());
        capacity.put("mails", snapshot.getMails());
        capacity.put("highWatermarkBytes", snapshot.getHighWatermarkBytes());
        capacity.put("lowWatermarkBytes", snapshot.getLowWatermarkBytes());
        capacity.put("highWatermarkMails", snapshot.getHighWatermarkMails());
        capacity.put("lowWatermarkMails", snapshot.getLowWatermarkMails());
        capacity.put("writable", snapshot.isWritable());
        return capacity;
    }

    /** Null when {@code overflow=reject}. */
    private Map<String, Object> overflowStatus() {
        return queues.getOverflow().map(overflow -> {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("directory", overflow.getDirectory().toString());
            values.put("mails", overflow.getEntryCount());
            values.put("bytes", overflow.getBytes());
            values.put("availableBytes", overflow.getStatus().getAvailableBytes());
            values.put("diverting", overflow.isDiverting());
            values.put("divertedSinceStart", overflow.getDivertedCount());
            values.put("movedBackSinceStart", overflow.getMovedCount());
            return values;
        }).orElse(null);
    }

    private List<Map<String, Object>> queueStatuses() {
        return queues.getOpenQueues().stream()
            .map(SpoolRoutes::queueStatus)
            .collect(Collectors.toList());
    }

    private static Map<String, Object> queueStatus(RamSpoolMailQueue queue) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("name", queue.getName().asString());
        status.put("waiting", queue.getSize());
        status.put("inOverflow", queue.getOverflowCount());
        status.put("inFlight", queue.getInFlightCount());
        status.put("enqueued", queue.getEnqueuedCount());
        status.put("dequeued", queue.getDequeuedCount());
        status.put("oldestMail", queue.getOldestMailTime().map(Object::toString).orElse(null));
        return status;
    }

    private Map<String, Object> dumpStatus() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("directory", dumps.getDumpConfiguration().getDumpDirectory().toString());
        status.put("reloadOnStart", dumps.getDumpConfiguration().isReloadOnStart());
        status.put("dumpOnStop", dumps.getDumpConfiguration().isDumpOnStop());
        status.put("lastDump", dumps.getLastDump().map(SpoolRoutes::report).orElse(null));
        status.put("checkpoint", dumps.getCheckpointStatus().map(checkpoint -> {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("state", checkpoint.getState().name());
            values.put("lagMillis", checkpoint.getLag().toMillis());
            values.put("maxLagMillis", checkpoint.getMaxLag().toMillis());
            values.put("pendingChanges", checkpoint.getPendingChanges());
            values.put("failures", checkpoint.getFailures());
            values.put("lastError", checkpoint.getLastError().orElse(null));
            return values;
        }).orElse(null));
        return status;
    }
}
