package com.gputelemetry.ingest.entity;

import java.util.List;

/** The answer to a batch: rows accepted (durable), whether it was a retry already stored, and the rejected rows. */
public record IngestReceipt(int accepted, boolean duplicate, List<RowRejection> rejected) {}
