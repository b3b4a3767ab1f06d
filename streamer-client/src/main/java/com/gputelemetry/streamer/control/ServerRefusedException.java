package com.gputelemetry.streamer.control;

/** The server refuses this streamer as such (wrong or missing token): retrying cannot help, the operator must act. */
public class ServerRefusedException extends RuntimeException {

    public ServerRefusedException(String message) {
        super(message);
    }
}
