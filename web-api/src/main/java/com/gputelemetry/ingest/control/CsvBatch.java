package com.gputelemetry.ingest.control;

import com.gputelemetry.ingest.entity.RowRejection;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import java.util.List;

/** A parsed CSV batch: the rows that passed validation and the ones that did not. */
public record CsvBatch(List<TelemetryRow> rows, List<RowRejection> rejections) {}
