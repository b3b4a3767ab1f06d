package com.gputelemetry.live.entity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the fleet stream stands in every partition of the log (the next offset of each), written as its event id:
 * {@code v1.} and the offsets separated by dots. Sent after each round of points, so a client that resumes with it
 * gets every later point; one that lost the connection inside a round gets that round's points again.
 */
public record FleetCheckpoint(long[] nextOffsets) {

    private static final String PREFIX = "v1.";
    private static final Pattern FORMAT = Pattern.compile("v1(\\.\\d{1,18}){1,1024}");

    /**
     * @param partitions the topic's partition count, which the checkpoint must match
     * @throws IllegalArgumentException when the text is not a checkpoint of this topic
     */
    public static FleetCheckpoint parse(String eventId, int partitions) {
        if (!FORMAT.matcher(eventId).matches()) {
            throw new IllegalArgumentException(
                    "a fleet stream's event id is v1. and one offset per partition, not '" + eventId + "'");
        }
        long[] offsets = Arrays.stream(eventId.substring(PREFIX.length()).split("\\."))
                .mapToLong(Long::parseLong)
                .toArray();
        if (offsets.length != partitions) {
            throw new IllegalArgumentException(
                    "the event id names " + offsets.length + " partitions; the telemetry topic has " + partitions);
        }
        return new FleetCheckpoint(offsets);
    }

    /** The checkpoint as an event of the stream. */
    public byte[] event() {
        return ("event: checkpoint\nid: " + eventId() + "\ndata: {}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    public String eventId() {
        return Arrays.stream(nextOffsets).mapToObj(Long::toString).collect(Collectors.joining(".", PREFIX, ""));
    }
}
