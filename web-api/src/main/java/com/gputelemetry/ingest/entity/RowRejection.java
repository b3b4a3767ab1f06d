package com.gputelemetry.ingest.entity;

/** A row the ingest boundary refused: its line in the posted CSV and why. */
public record RowRejection(long line, String reason) {}
