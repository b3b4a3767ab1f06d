package com.gputelemetry.ingest.entity;

/** What a batch's rows were read from, as its producer says: the {@code source} label of the ingest metrics. */
public enum Source {
    /** A CSV file, the streamer's default. */
    CSV("csv"),
    /** dcgm-exporters the streamer scraped. */
    SCRAPE("scrape"),
    /** A Prometheus, by remote write. */
    PROMETHEUS("prometheus");

    private final String label;

    Source(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The source a CSV producer names: csv when it names none, null when it names one it cannot be. */
    public static Source ofProducer(String named) {
        if (named == null || named.isBlank()) {
            return CSV;
        }
        String label = named.strip();
        return label.equals(CSV.label) ? CSV : label.equals(SCRAPE.label) ? SCRAPE : null;
    }
}
