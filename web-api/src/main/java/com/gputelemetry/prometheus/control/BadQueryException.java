package com.gputelemetry.prometheus.control;

/** A query or parameter the server cannot answer: Prometheus' error type {@code bad_data}, HTTP 400. */
public class BadQueryException extends RuntimeException {

    public BadQueryException(String message) {
        super(message);
    }
}
