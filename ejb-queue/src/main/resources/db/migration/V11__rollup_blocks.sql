-- The rollups of each series packed a block of time a row (PackedRollups): a series' minutes of an hour, and its hours
-- of a day (start_us: the hour's or the day's start, UTC), instead of a row per minute and per hour. A minute of one
-- point costs about what the point costs in its block. The rows of telemetry_rollup_1m and telemetry_rollup_1h that an
-- earlier version wrote are packed into these by the rollup schedule before it builds anything new, a chunk of rows a
-- transaction; until then the reads take both.
CREATE TABLE telemetry_rollup_1m_block (
    series_id     BIGINT   NOT NULL,
    start_us      BIGINT   NOT NULL,
    bucket_count  INTEGER  NOT NULL,
    buckets       BYTEA    NOT NULL,
    PRIMARY KEY (series_id, start_us)
);

CREATE TABLE telemetry_rollup_1h_block (
    series_id     BIGINT   NOT NULL,
    start_us      BIGINT   NOT NULL,
    bucket_count  INTEGER  NOT NULL,
    buckets       BYTEA    NOT NULL,
    PRIMARY KEY (series_id, start_us)
);
