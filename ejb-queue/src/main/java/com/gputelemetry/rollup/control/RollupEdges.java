package com.gputelemetry.rollup.control;

import com.gputelemetry.rollup.entity.HourRollup;
import com.gputelemetry.rollup.entity.PackedRollups;
import com.gputelemetry.rollup.entity.Rollup;
import com.gputelemetry.rollup.entity.RollupProgress;
import com.gputelemetry.rollup.entity.RollupTier;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The first and last point of rollup buckets, for queries that ask a series' value at given times (Prometheus'
 * instant selectors): the last point before a time is the last point of the buckets just before it, a row per bucket
 * instead of every point.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class RollupEdges {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /** One bucket of one series: its first and last point (time in µs, value). */
    public record Edge(
            long seriesId, long bucketMicros, long firstMicros, double first, long lastMicros, double last) {}

    /** Up to where the rollups are built: buckets that end at or before it are complete, unless stale. */
    public long builtMicros() {
        return em.find(RollupProgress.class, RollupProgress.ID).builtMicros();
    }

    /**
     * Whether a late point of one of these GPUs' metric waits in {@code [fromMicros, toMicros)} to be rolled up: until
     * it is, the rollups of its hour are not the points'.
     */
    public boolean anyStale(String metric, Collection<String> uuids, long fromMicros, long toMicros) {
        List<String> gpus = List.copyOf(uuids);
        var query = em.createNativeQuery("SELECT COUNT(*) FROM telemetry_rollup_stale WHERE metric = ?1"
                        + " AND hour_us > ?2 AND hour_us < ?3 AND gpu_uuid IN ("
                        + IntStream.range(0, gpus.size())
                                .mapToObj(i -> "?" + (i + 4))
                                .collect(Collectors.joining(", "))
                        + ")")
                .setParameter(1, metric)
                .setParameter(2, fromMicros - HourRollup.MICROS)
                .setParameter(3, toMicros);
        for (int i = 0; i < gpus.size(); i++) {
            query.setParameter(i + 4, gpus.get(i));
        }
        return ((Number) query.getSingleResult()).longValue() > 0;
    }

    /**
     * The edges of the series' buckets of a tier that start in {@code [baseMicros, toMicros)} and lie in the first
     * {@code spanMicros} of a period: those at {@code baseMicros + k * periodMicros + [0, spanMicros]}, a few around
     * each time a query asks about. They come from the tier's blocks (unpacked here) and from the rows of an earlier
     * version not packed yet, in one query.
     */
    @SuppressWarnings("unchecked")
    public List<Edge> of(
            RollupTier tier,
            Collection<Long> seriesIds,
            long baseMicros,
            long toMicros,
            long periodMicros,
            long spanMicros) {
        // Ids, base, period and span are numbers, written into the SQL so that every database sees plain integer
        // arithmetic and a plain list.
        String ids = seriesIds.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String sql = "SELECT series_id, bucket_us, first_time_us, first_value, last_time_us, last_value,"
                + " CAST(NULL AS BYTEA) FROM " + tier.rowTable() + " WHERE series_id IN (" + ids
                + ") AND bucket_us >= ?1 AND bucket_us < ?2 AND MOD(bucket_us - " + baseMicros + ", " + periodMicros
                + ") <= " + spanMicros + " UNION ALL SELECT series_id, start_us, CAST(0 AS BIGINT),"
                + " CAST(0 AS DOUBLE PRECISION), CAST(0 AS BIGINT), CAST(0 AS DOUBLE PRECISION), buckets FROM "
                + tier.blockTable() + " WHERE series_id IN (" + ids + ") AND start_us > ?3 AND start_us < ?4";
        var query = em.createNativeQuery(sql)
                .setParameter(1, baseMicros)
                .setParameter(2, toMicros)
                .setParameter(3, baseMicros - tier.blockMicros())
                .setParameter(4, toMicros);
        List<Edge> edges = new ArrayList<>();
        for (Object[] row : (List<Object[]>) query.getResultList()) {
            long series = ((Number) row[0]).longValue();
            if (row[6] == null) {
                edges.add(new Edge(
                        series,
                        ((Number) row[1]).longValue(),
                        ((Number) row[2]).longValue(),
                        ((Number) row[3]).doubleValue(),
                        ((Number) row[4]).longValue(),
                        ((Number) row[5]).doubleValue()));
                continue;
            }
            for (Rollup rollup : PackedRollups.unpack(tier, series, ((Number) row[1]).longValue(), (byte[]) row[6])) {
                long bucket = rollup.bucketMicros();
                if (bucket >= baseMicros && bucket < toMicros && (bucket - baseMicros) % periodMicros <= spanMicros) {
                    edges.add(new Edge(
                            series, bucket, rollup.firstMicros(), rollup.first(), rollup.lastMicros(), rollup.last()));
                }
            }
        }
        return edges;
    }
}
