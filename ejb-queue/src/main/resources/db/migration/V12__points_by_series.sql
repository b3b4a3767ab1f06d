-- Points name their series by its id (telemetry_series) instead of repeating the GPU's UUID and the metric's name, and
-- have one index, the key (series, time, id), instead of three: a row of five numbers. The collectors register a
-- series in the transaction that stores its first point. The points stored before this version are moved into the
-- new table by this migration's step (PointsBySeries), which registers their series first, then drops the old table.
ALTER TABLE telemetry_point RENAME TO telemetry_point_by_gpu;

CREATE TABLE telemetry_point (
    series_id       BIGINT            NOT NULL,
    time_us         BIGINT            NOT NULL,
    id              BIGINT            NOT NULL,
    metric_value    DOUBLE PRECISION  NOT NULL,
    source_time_us  BIGINT,
    CONSTRAINT telemetry_point_series_time PRIMARY KEY (series_id, time_us, id)
);
