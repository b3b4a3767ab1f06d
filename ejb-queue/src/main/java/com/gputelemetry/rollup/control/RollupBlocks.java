package com.gputelemetry.rollup.control;

import com.gputelemetry.rollup.entity.Rollup;
import com.gputelemetry.rollup.entity.RollupBlock;
import com.gputelemetry.rollup.entity.RollupTier;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rollups' blocks as the build writes them, in the caller's transaction (a build step's, which holds the progress
 * row's lock): rollups put into the blocks of their time, and the rows an earlier version wrote packed into blocks.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.MANDATORY)
public class RollupBlocks {

    /** Rows of rollups of an earlier version (a row a bucket) one step packs. */
    static final int ROWS_OF_EARLIER_VERSION_PER_STEP = 6_000;

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /**
     * Puts rollups into the blocks of their series' time, in place of those of the same bucket there (one query for
     * the blocks there are).
     *
     * @return the blocks they went into
     */
    public List<RollupBlock> put(RollupTier tier, Collection<? extends Rollup> rollups) {
        Map<Rollup.Key, List<Rollup>> byBlock = rollups.stream()
                .collect(Collectors.groupingBy(
                        rollup -> new Rollup.Key(rollup.seriesId(), tier.blockOf(rollup.bucketMicros()))));
        LongSummaryStatistics starts =
                byBlock.keySet().stream().mapToLong(Rollup.Key::bucketMicros).summaryStatistics();
        Map<Rollup.Key, RollupBlock> blocks = new HashMap<>();
        em.createQuery(
                        "SELECT b FROM " + tier.entity().getSimpleName() + " b WHERE b.seriesId IN :series"
                                + " AND b.bucketMicros >= :from AND b.bucketMicros <= :to",
                        tier.entity())
                .setParameter(
                        "series",
                        byBlock.keySet().stream()
                                .map(Rollup.Key::seriesId)
                                .distinct()
                                .toList())
                .setParameter("from", starts.getMin())
                .setParameter("to", starts.getMax())
                .getResultList()
                .forEach(block -> blocks.put(new Rollup.Key(block.seriesId(), block.startMicros()), block));
        List<RollupBlock> put = new ArrayList<>();
        byBlock.forEach((key, ofBlock) -> {
            RollupBlock block = blocks.get(key);
            if (block == null) {
                block = tier.block(key.seriesId(), key.bucketMicros(), ofBlock);
                em.persist(block);
            } else {
                block.put(ofBlock);
            }
            put.add(block);
        });
        return put;
    }

    /**
     * Packs the first rows of a tier that an earlier version wrote a row a bucket (in key order) into the blocks of
     * their time, and deletes them.
     *
     * @return whether there were any
     */
    public boolean packRowsOfEarlierVersion(RollupTier tier) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT series_id, bucket_us, point_count, value_sum, value_min,"
                        + " value_max, first_time_us, first_value, last_time_us, last_value FROM " + tier.rowTable()
                        + " ORDER BY series_id, bucket_us")
                .setMaxResults(ROWS_OF_EARLIER_VERSION_PER_STEP)
                .getResultList();
        if (rows.isEmpty()) {
            return false;
        }
        List<Rollup> rollups = rows.stream()
                .map(row -> tier.rollup(
                        ((Number) row[0]).longValue(), ((Number) row[1]).longValue(), Rollup.Aggregate.of(row, 2)))
                .toList();
        put(tier, rollups);
        Rollup last = rollups.get(rollups.size() - 1);
        // Every row up to the last one read in key order is one read: no version writes these rows any more, and an
        // earlier one builds only under the progress row's lock, held here.
        em.createNativeQuery("DELETE FROM " + tier.rowTable()
                        + " WHERE series_id < ?1 OR (series_id = ?1 AND bucket_us <= ?2)")
                .setParameter(1, last.seriesId())
                .setParameter(2, last.bucketMicros())
                .executeUpdate();
        return true;
    }
}
