package com.gputelemetry.queue.control;

/** What one worker has done since it started. */
record WorkerStatus(long delivered, long redeliveries, long deadLetters, String lastError) {}
