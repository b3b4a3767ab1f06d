-- GPUs are identified by their UUID: gpu_index (0-7) repeats on every host.
CREATE TABLE gpu (
    uuid           VARCHAR(64)   NOT NULL PRIMARY KEY,
    hostname       VARCHAR(255)  NOT NULL,
    gpu_index      INTEGER       NOT NULL,
    device         VARCHAR(64)   NOT NULL,
    model          VARCHAR(255)  NOT NULL,
    labels         VARCHAR(4000),
    first_seen_us  BIGINT        NOT NULL,
    last_seen_us   BIGINT        NOT NULL
);

-- Times are epoch microseconds (UTC): portable across databases and JPA providers, exact, and cheap to range-scan.
-- Increment matches the JPA allocation size so one sequence call covers 500 inserts; the first value is the
-- allocation size because providers read a value as the top of its block of ids.
CREATE SEQUENCE telemetry_point_seq START WITH 500 INCREMENT BY 500;

CREATE TABLE telemetry_point (
    id              BIGINT           NOT NULL PRIMARY KEY,
    gpu_uuid        VARCHAR(64)      NOT NULL,
    metric          VARCHAR(128)     NOT NULL,
    time_us         BIGINT           NOT NULL,
    metric_value    DOUBLE PRECISION NOT NULL,
    source_time_us  BIGINT
);

-- Serves the per-GPU time-range query and its keyset cursor (time, id).
CREATE INDEX telemetry_point_gpu_time ON telemetry_point (gpu_uuid, time_us, id);
