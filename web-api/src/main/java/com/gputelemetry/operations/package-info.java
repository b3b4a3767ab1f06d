/**
 * Operating the queue: what the log holds, how far each consumer group has come, the dead letters, and the
 * runtime controls (worker count, replay). Figures come from the database, so they cover every server instance;
 * worker counters are this server's own.
 */
package com.gputelemetry.operations;
