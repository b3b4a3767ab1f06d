/**
 * The streamer: reads DCGM CSV input row by row (or scrapes dcgm-exporters, see the {@code scrape} package), stamps
 * each row with the time it is processed, and hands batches to the server over HTTP or a WebSocket, one batch in
 * flight at a time. Retries repeat a batch under its producer id and sequence, and an instance id keeps both (and the
 * batch in flight) across restarts, so the server stores every batch once. The boundary is the command line; it has
 * no Jakarta dependencies and runs on a plain JDK 17.
 */
package com.gputelemetry.streamer;
