package com.gputelemetry.telemetry.entity;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A place in one GPU's time series, ordered by time then id, and the direction of reading; encoded as an opaque
 * cursor for clients. The direction travels in the cursor so that a page cannot be continued the wrong way.
 */
public record SeriesPosition(long timeMicros, long id, boolean descending) {

    /** Where an ascending or descending read starts. */
    public static SeriesPosition start(boolean descending) {
        return descending
                ? new SeriesPosition(Long.MAX_VALUE, Long.MAX_VALUE, true)
                : new SeriesPosition(Long.MIN_VALUE, Long.MIN_VALUE, false);
    }

    /** Whether a point at that time with that id comes after this position, in its direction. */
    public boolean precedes(long pointMicros, long pointId) {
        return descending
                ? timeMicros > pointMicros || (timeMicros == pointMicros && id > pointId)
                : timeMicros < pointMicros || (timeMicros == pointMicros && id < pointId);
    }

    public String toCursor() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((timeMicros + ":" + id + (descending ? ":d" : "")).getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API handed out */
    public static SeriesPosition fromCursor(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].equals("d"))) {
                throw new IllegalArgumentException("not a series cursor");
            }
            return new SeriesPosition(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts.length == 3);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid cursor: " + cursor, e);
        }
    }
}
