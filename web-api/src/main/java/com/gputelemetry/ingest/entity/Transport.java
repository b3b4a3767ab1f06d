package com.gputelemetry.ingest.entity;

import java.util.List;

/** How a batch reached the server, with the names its transport gives the producer's id, sequence and source. */
public enum Transport {
    HTTP("http", "Producer-Id", "Producer-Sequence", "Producer-Source", Source.CSV, Source.SCRAPE),
    WEBSOCKET("websocket", "producer-id", "sequence", "producer-source", Source.CSV, Source.SCRAPE),
    /** Prometheus' remote write: a request is its own key, it has no producer or sequence. */
    REMOTE_WRITE("remote_write", null, null, null, Source.PROMETHEUS);

    private final String label;
    private final String producerParameter;
    private final String sequenceParameter;
    private final String sourceParameter;
    private final List<Source> sources;

    Transport(
            String label,
            String producerParameter,
            String sequenceParameter,
            String sourceParameter,
            Source... sources) {
        this.label = label;
        this.producerParameter = producerParameter;
        this.sequenceParameter = sequenceParameter;
        this.sourceParameter = sourceParameter;
        this.sources = List.of(sources);
    }

    /** The sources whose batches come this way. */
    public List<Source> sources() {
        return sources;
    }

    public String sourceParameter() {
        return sourceParameter;
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
