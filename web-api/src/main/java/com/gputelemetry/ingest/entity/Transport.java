package com.gputelemetry.ingest.entity;

/** How a batch reached the server, with the names its transport gives the producer's id and sequence. */
public enum Transport {
    HTTP("http", "Producer-Id", "Producer-Sequence"),
    WEBSOCKET("websocket", "producer-id", "sequence"),
    /** Prometheus' remote write: a request is its own key, it has no producer or sequence. */
    REMOTE_WRITE("remote_write", null, null);

    private final String label;
    private final String producerParameter;
    private final String sequenceParameter;

    Transport(String label, String producerParameter, String sequenceParameter) {
        this.label = label;
        this.producerParameter = producerParameter;
        this.sequenceParameter = sequenceParameter;
    }

    /** Its value of the {@code transport} label of the ingest metrics. */
    public String label() {
        return label;
    }

    public String producerParameter() {
        return producerParameter;
    }

    public String sequenceParameter() {
        return sequenceParameter;
    }
}
