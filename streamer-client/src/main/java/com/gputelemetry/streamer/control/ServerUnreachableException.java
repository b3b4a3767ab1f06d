package com.gputelemetry.streamer.control;

/** The server did not acknowledge a batch within the retry budget. */
public class ServerUnreachableException extends RuntimeException {

    public ServerUnreachableException(String message) {
        super(message);
    }
}
