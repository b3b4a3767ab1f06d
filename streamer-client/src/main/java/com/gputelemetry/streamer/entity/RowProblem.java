package com.gputelemetry.streamer.entity;

/** A row that cannot be sent, with its line in the source file and why. */
public record RowProblem(String source, long line, String reason) {}
