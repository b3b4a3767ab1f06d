/**
 * Prometheus' own protocols. {@code POST /prometheus/api/v1/write} is a remote-write receiver (remote write 1.0:
 * protobuf, snappy): a Prometheus that scrapes the fleet's dcgm-exporters forwards their GPU series here, and each
 * request goes through the same queue as the CSV batches, keyed by its digest so that a request Prometheus retries
 * whole is stored once. The samples keep their own timestamps; every label is kept with the GPU. What is not stored
 * (series that are not a DCGM GPU's, staleness markers, DCGM's blank values) is counted in {@code /metrics}.
 */
package com.gputelemetry.prometheus;
