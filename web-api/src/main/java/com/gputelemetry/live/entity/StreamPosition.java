package com.gputelemetry.live.entity;

import java.util.regex.Pattern;

/**
 * A point's place in the telemetry log, written {@code partition-offset-index} as its event id: the point {@code
 * index} (from 0) of the record at {@code offset} of {@code partition}. Resuming after it means skipping the points
 * of that record up to it and going on with the next record.
 */
public record StreamPosition(int partition, long offset, int index) {

    private static final Pattern FORMAT = Pattern.compile("\\d{1,9}-\\d{1,18}-\\d{1,9}");

    /** @throws IllegalArgumentException when the text is not an id this server wrote */
    public static StreamPosition parse(String eventId) {
        if (!FORMAT.matcher(eventId).matches()) {
            throw new IllegalArgumentException(
                    "a GPU stream's event id is partition-offset-index (three numbers), not '" + eventId + "'");
        }
        String[] parts = eventId.split("-");
        return new StreamPosition(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
    }

    /** Whether a point at {@code offset}/{@code index} of this partition comes after this position. */
    public boolean isBefore(long otherOffset, int otherIndex) {
        return otherOffset > offset || (otherOffset == offset && otherIndex > index);
    }

    public String eventId() {
        return partition + "-" + offset + "-" + index;
    }
}
