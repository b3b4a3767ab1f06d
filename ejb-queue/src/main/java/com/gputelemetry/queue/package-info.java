/**
 * The message queue: our own durable, partitioned log with consumer groups.
 *
 * <p>Design decisions:
 * <ul>
 * <li>A topic has a fixed number of partitions; producers choose one by a stable hash of the key (the GPU UUID),
 * so each key's records stay in order.</li>
 * <li>Each partition is an append-only table of records at dense offsets. An appender locks the partition's head
 * row until it commits, so offsets are handed out in commit order and a reader never skips a record that commits
 * late. A record carries a batch of rows, not one row: the per-record overhead is paid once per batch.</li>
 * <li>A consumer group's progress is one committed offset per partition. The group's listener runs in the same
 * transaction that advances the offset (like an MDB acknowledging inside its transaction), so the effect of a
 * record is applied exactly once even though delivery itself is at-least-once.</li>
 * <li>Producers are idempotent: a batch is published with the producer's id and a sequence number, stored in the
 * same transaction as the records; a repeated sequence is acknowledged but not appended again.</li>
 * <li>Workers hold no threads: a commit wakes the workers of the partitions it touched, and each worker drains its
 * partitions on the managed executor, one task at a time.</li>
 * </ul>
 */
package com.gputelemetry.queue;
