package com.gputelemetry.collector.boundary;

import com.gputelemetry.queue.boundary.MessageListener;
import com.gputelemetry.queue.entity.LogRecord;
import com.gputelemetry.rollup.entity.HourRollup;
import com.gputelemetry.rollup.entity.RollupProgress;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.GpuWorkload;
import com.gputelemetry.telemetry.entity.SeriesEnd;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores queue records' telemetry rows: upserts each GPU and the workloads it served, registers the series, and inserts
 * the points. Pooled by the container and called inside the queue's delivery transaction, which also commits the
 * group's offset (message-driven style).
 */
@Stateless
public class TelemetryCollector implements MessageListener {

    /** GPUs looked up per query: far below every database's limit on bind parameters. */
    private static final int GPUS_PER_LOOKUP = 500;

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    @Override
    public void onMessage(LogRecord record) {
        store(TelemetryRow.fromPayload(record.payload()));
    }

    @Override
    public void onMessages(List<LogRecord> records) {
        List<TelemetryRow> rows = new ArrayList<>();
        records.forEach(record -> rows.addAll(TelemetryRow.fromPayload(record.payload())));
        store(rows);
    }

    /**
     * Each GPU is read once and, at the commit, written once, however many of its rows the records hold; staleness
     * markers end their series.
     */
    private void store(List<TelemetryRow> all) {
        List<TelemetryRow> rows = new ArrayList<>(all.size());
        Map<SeriesEnd.Key, SeriesEnd> ends = new LinkedHashMap<>();
        for (TelemetryRow row : all) {
            if (row.isStaleMarker()) {
                SeriesEnd end = new SeriesEnd(row);
                ends.putIfAbsent(end.key(), end);
            } else {
                rows.add(row);
            }
        }
        // The same marker may come twice (in two remote-write requests): it is the same end.
        ends.forEach((key, end) -> {
            if (em.find(SeriesEnd.class, key) == null) {
                em.persist(end);
            }
        });
        Map<String, Gpu> gpus = known(rows);
        Map<Long, TelemetrySeries> series = new HashMap<>();
        for (TelemetryRow row : rows) {
            Gpu gpu = gpus.get(row.uuid());
            if (gpu == null) {
                gpu = new Gpu(row.sighting());
                em.persist(gpu);
                gpus.put(row.uuid(), gpu);
            } else {
                gpu.merge(row.sighting());
            }
            TelemetryPoint point = row.toPoint();
            series.computeIfAbsent(point.seriesId(), id -> row.series());
            em.persist(point);
        }
        // In this transaction: no point names a series that is not there.
        TelemetrySeries.registerMissing(em, series.values());
        storeWorkloads(rows);
        markLateHoursStale(rows);
    }

    /**
     * Points of closed time, whose rollups may be built already, mark their series' hours stale, in this transaction:
     * the rollups are recomputed with them, however often this is retried.
     */
    private void markLateHoursStale(List<TelemetryRow> rows) {
        long closed = em.find(RollupProgress.class, RollupProgress.ID).closedMicros();
        Set<List<Object>> hours = new HashSet<>();
        for (TelemetryRow row : rows) {
            if (row.timeMicros() < closed) {
                hours.add(List.of(
                        row.uuid(),
                        row.metric(),
                        row.workload() == null
                                ? TelemetrySeries.NO_WORKLOAD
                                : row.workload().id(),
                        Math.floorDiv(row.timeMicros(), HourRollup.MICROS) * HourRollup.MICROS));
            }
        }
        for (List<Object> hour : hours) {
            em.createNativeQuery("INSERT INTO telemetry_rollup_stale (gpu_uuid, metric, workload_id, hour_us)"
                            + " VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, hour.get(0))
                    .setParameter(2, hour.get(1))
                    .setParameter(3, hour.get(2))
                    .setParameter(4, hour.get(3))
                    .executeUpdate();
        }
    }

    /** Each GPU's workloads in these rows, a span each, widened over what is stored: one write per GPU and workload. */
    private void storeWorkloads(List<TelemetryRow> rows) {
        Map<GpuWorkload.Key, GpuWorkload> spans = new HashMap<>();
        for (TelemetryRow row : rows) {
            if (row.workload() == null) {
                continue;
            }
            spans.merge(
                    new GpuWorkload.Key(row.uuid(), row.workload().id()),
                    new GpuWorkload(row.uuid(), row.workload(), row.timeMicros(), row.timeMicros()),
                    (span, more) -> {
                        span.seen(row.timeMicros(), row.timeMicros());
                        return span;
                    });
        }
        spans.forEach((key, span) -> {
            GpuWorkload stored = em.find(GpuWorkload.class, key);
            if (stored == null) {
                em.persist(span);
            } else {
                stored.seen(span.firstSeenMicros(), span.lastSeenMicros());
            }
        });
    }

    private Map<String, Gpu> known(List<TelemetryRow> rows) {
        List<String> uuids = new ArrayList<>(
                new LinkedHashSet<>(rows.stream().map(TelemetryRow::uuid).toList()));
        Map<String, Gpu> gpus = new HashMap<>();
        for (int from = 0; from < uuids.size(); from += GPUS_PER_LOOKUP) {
            em.createQuery("SELECT g FROM Gpu g WHERE g.uuid IN :uuids", Gpu.class)
                    .setParameter("uuids", uuids.subList(from, Math.min(uuids.size(), from + GPUS_PER_LOOKUP)))
                    .getResultList()
                    .forEach(gpu -> gpus.put(gpu.getUuid(), gpu));
        }
        return gpus;
    }
}
