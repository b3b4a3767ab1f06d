package com.gputelemetry.ingest.control;

/** The posted body cannot be read as a telemetry CSV at all (as opposed to single bad rows). */
public class InvalidCsvException extends RuntimeException {

    public InvalidCsvException(String message) {
        super(message);
    }
}
