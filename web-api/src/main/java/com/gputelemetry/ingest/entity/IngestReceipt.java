package com.gputelemetry.ingest.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * The answer to a batch: rows accepted (durable), whether it was a retry already stored, how many rows were rejected
 * and the first of them, so that an answer stays small however bad the batch.
 */
@JsonbPropertyOrder({"accepted", "duplicate", "rejectedCount", "rejected"})
public record IngestReceipt(int accepted, boolean duplicate, int rejectedCount, List<RowRejection> rejected) {

    /** Rejected rows listed in an answer at most; the count tells how many there were. */
    public static final int LISTED_REJECTIONS = 100;

    public static IngestReceipt of(int accepted, boolean duplicate, List<RowRejection> rejections) {
        return new IngestReceipt(
                accepted,
                duplicate,
                rejections.size(),
                List.copyOf(rejections.subList(0, Math.min(rejections.size(), LISTED_REJECTIONS))));
    }
}
