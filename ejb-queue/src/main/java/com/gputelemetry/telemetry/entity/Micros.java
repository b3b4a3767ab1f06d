package com.gputelemetry.telemetry.entity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;

/** Conversions for the stored time unit, UTC epoch microseconds (see the schema migration for why). */
public final class Micros {

    private Micros() {}

    public static long of(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /**
     * Reads an RFC 3339 date-time (an offset is required; RFC 3339 allows a lower-case 't' and 'z').
     *
     * @throws java.time.format.DateTimeParseException when the text is not one
     */
    public static long parseRfc3339(String text) {
        return of(OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant());
    }

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** RFC 3339 in UTC, with as many fraction digits as the value needs (none, 3 or 6). */
    public static String toRfc3339(long micros) {
        return toInstant(micros).toString();
    }
}
