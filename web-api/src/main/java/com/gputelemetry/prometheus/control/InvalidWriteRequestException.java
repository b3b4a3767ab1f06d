package com.gputelemetry.prometheus.control;

/** A remote-write body that cannot be read as one: Prometheus is told why (400) and drops the request. */
public class InvalidWriteRequestException extends RuntimeException {

    public InvalidWriteRequestException(String message) {
        super(message);
    }
}
