/**
 * Telemetry intake. The boundary takes CSV batches over HTTP, validates every row (a bad row is rejected with its
 * line number, the rest go on), groups the accepted rows by the partition of their GPU UUID and appends them to the
 * queue in one transaction with the producer's id and sequence: the answer comes only once the rows are durable,
 * and a retried batch is acknowledged without being stored twice.
 */
package com.gputelemetry.ingest;
