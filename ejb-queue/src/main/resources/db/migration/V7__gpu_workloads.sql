-- The Kubernetes workloads (namespace, pod, container) each GPU served, with the times it was first and last measured
-- serving them: which pod held which GPU when. A point names its workload by workload_id, computed from the three
-- labels (Workload.id()), so that storing a point needs no lookup; a GPU's rows are written by its partition's
-- collector only. Points stored before this version, and points of a GPU no pod holds, have none.
CREATE TABLE gpu_workload (
    gpu_uuid       VARCHAR(64)   NOT NULL,
    workload_id    BIGINT        NOT NULL,
    namespace      VARCHAR(253)  NOT NULL,
    pod            VARCHAR(253)  NOT NULL,
    container      VARCHAR(253)  NOT NULL,
    first_seen_us  BIGINT        NOT NULL,
    last_seen_us   BIGINT        NOT NULL,
    PRIMARY KEY (gpu_uuid, workload_id)
);

-- The GPUs of a namespace or a pod.
CREATE INDEX gpu_workload_pod ON gpu_workload (namespace, pod);

-- Nullable without a default: PostgreSQL adds it without rewriting the table.
ALTER TABLE telemetry_point ADD COLUMN workload_id BIGINT;
