-- Prometheus' staleness markers: the time a series ended (its target or the series disappeared), so that a query after
-- it no longer answers the series' last value, as Prometheus does. A series is a GPU's metric of one workload
-- (workload_id 0: none). Markers are few, and a query reads those of the series and window it reads.
CREATE TABLE series_end (
    gpu_uuid     VARCHAR(64)   NOT NULL,
    metric       VARCHAR(128)  NOT NULL,
    workload_id  BIGINT        NOT NULL,
    time_us      BIGINT        NOT NULL,
    PRIMARY KEY (gpu_uuid, metric, workload_id, time_us)
);
