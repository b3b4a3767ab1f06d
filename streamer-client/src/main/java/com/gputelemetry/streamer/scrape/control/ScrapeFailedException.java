package com.gputelemetry.streamer.scrape.control;

/** Why one scrape of one target came to nothing, said for an operator; the target is tried again next interval. */
public class ScrapeFailedException extends Exception {

    public ScrapeFailedException(String reason) {
        super(reason);
    }
}
