/**
 * Rollups: each series' count, sum, min, max, first and last value per minute and per hour, built from the points once
 * their time is closed, so that long windows read a row per bucket instead of every point. A background job on any
 * server builds them, one transaction per step with its progress; late points mark their hours stale and the next
 * step recomputes those from the points: built exactly once, whatever is retried or killed.
 */
package com.gputelemetry.rollup;
