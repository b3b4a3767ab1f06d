/**
 * Telemetry intake. Two boundaries take CSV batches, {@code POST /api/v1/ingest} and the WebSocket
 * {@code /api/v1/ingest/stream}, and hand them to one control, which validates every row (a bad row is rejected with
 * its line number, the rest go on), groups the accepted rows by the partition of their GPU UUID and appends them to
 * the queue in one transaction with the producer's id and sequence: the answer comes only once the rows are durable,
 * and a retried batch is acknowledged without being stored twice. An optional bearer token guards both.
 */
package com.gputelemetry.ingest;
