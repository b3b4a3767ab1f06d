-- The metrics each GPU has reported (sorted, comma-separated), kept by the collectors: the GPU detail and the metric
-- listing read them instead of scanning the points. GPUs stored before this version fill it as new rows arrive.
ALTER TABLE gpu ADD COLUMN metrics VARCHAR(4000);

-- One metric of one GPU over time, and its latest value (read backwards).
CREATE INDEX telemetry_point_gpu_metric_time ON telemetry_point (gpu_uuid, metric, time_us, id);

-- The GPU list in its order (hostname, index, uuid), and the hosts with their GPU counts.
CREATE INDEX gpu_placement ON gpu (hostname, gpu_index, uuid);
