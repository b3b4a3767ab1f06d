package com.gputelemetry.telemetry.entity;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A place in one GPU's time series, ordered by time then id; encoded as an opaque cursor for clients. */
public record SeriesPosition(long timeMicros, long id) {

    public String toCursor() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((timeMicros + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API handed out */
    public static SeriesPosition fromCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int colon = decoded.indexOf(':');
            return new SeriesPosition(
                    Long.parseLong(decoded.substring(0, colon)), Long.parseLong(decoded.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid cursor: " + cursor, e);
        }
    }
}
