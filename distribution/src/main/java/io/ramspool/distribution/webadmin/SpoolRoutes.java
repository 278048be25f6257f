package io.ramspool.distribution.webadmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.ramspool.spool.RamSpoolMailQueue;
import io.ramspool.spool.RamSpoolMailQueueFactory;
import io.ramspool.spool.SpoolConfiguration;
import io.ramspool.spool.capacity.CapacityGuard;
import io.ramspool.spool.capacity.CapacitySnapshot;
import io.ramspool.spool.capacity.SpoolMetrics;
import io.ramspool.spool.dump.SpoolDumpService;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Webadmin routes of the RAM spool, under {@value #BASE}:
 *
 * <ul>
 *   <li>{@code GET /ramspool}: usage against the watermarks, the guard's state, every open queue
 *       (waiting, in flight, enqueued and dequeued since start, oldest mail age), and the dump and
 *       checkpoint settings and state.</li>
 * </ul>
 */
public class SpoolRoutes implements Routes {
    public static final String BASE = "/ramspool";

    private final CapacityGuard guard;
    private final RamSpoolMailQueueFactory queues;
    private final SpoolConfiguration spool;
    private final SpoolDumpService dumps;
    private final SpoolMetrics metrics;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public SpoolRoutes(CapacityGuard guard, RamSpoolMailQueueFactory queues, SpoolConfiguration spool,
                       SpoolDumpService dumps, SpoolMetrics metrics) {
        this.guard = guard;
        this.queues = queues;
        this.spool = spool;
        this.dumps = dumps;
        this.metrics = metrics;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::status, json);
    }

    private Map<String, Object> status(Request request, Response response) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("directory", spool.getDirectory().toAbsolutePath().toString());
        status.put("durability", spool.getDurability().name().toLowerCase(Locale.ROOT));
        status.put("capacity", capacity(guard.snapshot()));
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

    private List<Map<String, Object>> queueStatuses() {
        return queues.getOpenQueues().stream()
            .map(SpoolRoutes::queueStatus)
            .collect(Collectors.toList());
    }

    private static Map<String, Object> queueStatus(RamSpoolMailQueue queue) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("name", queue.getName().asString());
        status.put("waiting", queue.getSize());
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
