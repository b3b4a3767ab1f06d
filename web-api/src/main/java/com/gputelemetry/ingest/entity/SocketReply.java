package com.gputelemetry.ingest.entity;

import com.gputelemetry.Problem;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.OptionalLong;

/**
 * The answer to one batch sent over the WebSocket: the batch's sequence (as sent) and an HTTP-like status, then
 * either the receipt's fields (200) or the problem's fields and, for 429 and 503, the seconds to wait.
 */
@JsonbNillable(false)
@JsonbPropertyOrder({
    "sequence",
    "status",
    "accepted",
    "duplicate",
    "rejectedCount",
    "rejected",
    "title",
    "detail",
    "parameter",
    "retryAfter"
})
public record SocketReply(
        String sequence,
        int status,
        Integer accepted,
        Boolean duplicate,
        Integer rejectedCount,
        List<RowRejection> rejected,
        String title,
        String detail,
        String parameter,
        Long retryAfter) {

    public static SocketReply of(String sequence, IngestReceipt receipt) {
        return new SocketReply(
                sequence,
                200,
                receipt.accepted(),
                receipt.duplicate(),
                receipt.rejectedCount(),
                receipt.rejected(),
                null,
                null,
                null,
                null);
    }

    public static SocketReply of(String sequence, Problem problem, OptionalLong retryAfterSeconds) {
        return new SocketReply(
                sequence,
                problem.status(),
                null,
                null,
                null,
                null,
                problem.title(),
                problem.detail(),
                problem.parameter(),
                retryAfterSeconds.isPresent() ? retryAfterSeconds.getAsLong() : null);
    }
}
