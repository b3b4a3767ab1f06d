/**
 * The message queue: our own durable, partitioned log in the database, with consumer groups. The ingest boundary
 * publishes each batch to it and answers once the batch is durable; the collectors consume it as a group and store
 * each record exactly once, its effect and its offset commit in one transaction.
 *
 * <p>Its design (partitions, offsets, producers, delivery, failures, backpressure, retention, dispatch and leases
 * across servers) is written down once, in {@code docs/design.md} ("The message queue") at the repository's root.
 */
package com.gputelemetry.queue;
