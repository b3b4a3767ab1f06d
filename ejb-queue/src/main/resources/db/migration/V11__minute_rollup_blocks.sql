-- The minute rollups of each series and hour, packed (PackedMinutes): a row per series and hour instead of a row per
-- minute. A minute of one point costs about what the point costs in its block. The rows of telemetry_rollup_1m that
-- an earlier version wrote are packed into these by the rollup schedule before it builds anything new, a chunk of rows
-- a transaction; until then the reads take both tables.
CREATE TABLE telemetry_rollup_1m_block (
    series_id     BIGINT   NOT NULL,
    hour_us       BIGINT   NOT NULL,
    minute_count  INTEGER  NOT NULL,
    minutes       BYTEA    NOT NULL,
    PRIMARY KEY (series_id, hour_us)
);
