package com.gputelemetry.queue.boundary;

/** The queue's answer to a publish: how many records it appended, or that the batch was a producer's retry. */
public record PublishReceipt(int recordsAppended, boolean duplicate) {

    static PublishReceipt duplicateBatch() {
        return new PublishReceipt(0, true);
    }
}
