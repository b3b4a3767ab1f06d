/**
 * The collectors: the consumer group "collectors" on the telemetry topic. Each queue record is handled by a pooled
 * stateless bean inside the delivery transaction that also commits the group's offset, so every row is stored
 * exactly once even across crashes. GPUs are keyed by UUID; since a GPU's rows all travel in one partition, no two
 * workers ever update the same GPU at once.
 */
package com.gputelemetry.collector;
