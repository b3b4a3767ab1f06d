/**
 * Live push: new telemetry points as Server-Sent Events, for one GPU or the whole fleet, the moment the collectors
 * have stored them.
 *
 * <p>The feed follows the queue's log behind the collectors' committed offsets, so it sees exactly what is stored,
 * whichever server stored it, in each GPU's order, and a client resumes from its last event id without a gap while
 * the log still holds the records (the queue's retention). One feed per server reads the log once for all
 * subscribers. A subscriber that cannot keep up is dropped rather than buffered without bound; it reconnects with its
 * last event id and misses nothing.
 */
package com.gputelemetry.live;
