package com.gputelemetry.streamer.scrape.entity;

import java.time.Instant;

/**
 * What the streamer knows of one target: its last success and last error, each with its time, and its counts. It also
 * knows whether its outcome changed since it was last reported, so that the log says when a target goes down or comes
 * back once, not at every interval.
 */
public class TargetHealth {

    /** What the last attempt came to. */
    public enum Outcome {
        NONE,
        OK,
        FAILED,
        SKIPPED
    }

    private Outcome outcome = Outcome.NONE;
    private String lastReason = "";
    private Instant lastSuccess;
    private Instant lastErrorAt;
    private String lastError = "";
    private long ok;
    private long failed;
    private long skipped;
    private long lastMillis;
    private long lastSamples;
    private boolean changedSinceReport;

    /** @return true when this changes the target's outcome (it was not up before) */
    public synchronized boolean succeeded(Instant at, long millis, long samples) {
        boolean changed = outcome != Outcome.OK;
        outcome = Outcome.OK;
        lastReason = "";
        lastSuccess = at;
        lastMillis = millis;
        lastSamples = samples;
        ok++;
        changedSinceReport |= changed;
        return changed;
    }

    /** @return true when this changes the target's outcome: it was up, or failed for another reason */
    public synchronized boolean failed(Instant at, String reason) {
        boolean changed = outcome != Outcome.FAILED || !lastReason.equals(reason);
        outcome = Outcome.FAILED;
        lastReason = reason;
        lastError = reason;
        lastErrorAt = at;
        failed++;
        changedSinceReport |= changed;
        return changed;
    }

    /** A scrape not made or not taken in; the reason says why ({@code skipped: backpressure}). */
    public synchronized boolean skipped(String reason) {
        boolean changed = outcome != Outcome.SKIPPED || !lastReason.equals(reason);
        outcome = Outcome.SKIPPED;
        lastReason = reason;
        skipped++;
        changedSinceReport |= changed;
        return changed;
    }

    public synchronized Outcome outcome() {
        return outcome;
    }

    /** Whether to report the target now: it is not up, or changed since the last report. Clears the change. */
    public synchronized boolean takeReportWorthy() {
        boolean worthy = changedSinceReport || outcome == Outcome.FAILED || outcome == Outcome.SKIPPED;
        changedSinceReport = false;
        return worthy;
    }

    /** The figures of a {@code scrape-target} log line, as keys and values. */
    public synchronized String[] keysAndValues() {
        return new String[] {
            "up", Boolean.toString(outcome == Outcome.OK),
            "lastSuccess", lastSuccess == null ? "" : lastSuccess.toString(),
            "lastError", lastError,
            "lastErrorAt", lastErrorAt == null ? "" : lastErrorAt.toString(),
            "lastOutcome", outcome == Outcome.OK ? "ok" : lastReason,
            "lastMillis", Long.toString(lastMillis),
            "lastSamples", Long.toString(lastSamples),
            "scrapesOk", Long.toString(ok),
            "scrapesFailed", Long.toString(failed),
            "scrapesSkipped", Long.toString(skipped)
        };
    }
}
