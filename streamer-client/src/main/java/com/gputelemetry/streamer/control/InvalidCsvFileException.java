package com.gputelemetry.streamer.control;

/** The input cannot be read as a DCGM CSV at all: nothing from it can be sent. */
public class InvalidCsvFileException extends RuntimeException {

    public InvalidCsvFileException(String message) {
        super(message);
    }
}
