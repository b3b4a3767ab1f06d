-- Closed hours of each series, packed (PackedPoints: times and ids as deltas of deltas, values XOR'd or as scaled
-- deltas): a row per series and hour instead of a row per point. The compaction writes a block and deletes its points
-- in one transaction; a late point is merged into its block by the rollups' recomputation of its hour.
CREATE TABLE telemetry_block (
    series_id      BIGINT   NOT NULL,
    hour_us        BIGINT   NOT NULL,
    point_count    INTEGER  NOT NULL,
    first_time_us  BIGINT   NOT NULL,
    last_time_us   BIGINT   NOT NULL,
    points         BYTEA    NOT NULL,
    PRIMARY KEY (series_id, hour_us)
);

-- Points before compacted_us are in blocks, but late ones (their hours marked stale). No block holds a point at or
-- after compacting_us: reads of later time need not look at the blocks. compactions counts the transactions that moved
-- points into blocks, so that a reader of both can tell that none committed while it read.
ALTER TABLE telemetry_rollup_progress ADD COLUMN compacted_us BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE telemetry_rollup_progress ADD COLUMN compacting_us BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE telemetry_rollup_progress ADD COLUMN compactions BIGINT DEFAULT 0 NOT NULL;
