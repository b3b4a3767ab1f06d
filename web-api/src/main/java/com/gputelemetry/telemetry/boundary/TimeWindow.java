package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.entity.Micros;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A closed time interval from the query parameters {@code start_time} and {@code end_time}: both ends inclusive. */
record TimeWindow(long fromMicros, long toMicros) {

    static TimeWindow of(String startTime, String endTime) {
        long from = startTime == null ? Long.MIN_VALUE : parse("start_time", startTime);
        long to = endTime == null ? Long.MAX_VALUE : parse("end_time", endTime);
        if (to < from) {
            throw Problem.badParameter("end_time", "end_time " + endTime + " is before start_time " + startTime);
        }
        return new TimeWindow(from, to);
    }

    /**
     * The same window with an open end closed at now and an open start closed {@code defaultSpanMicros} before the
     * end: for queries that must not cover all of time.
     */
    TimeWindow closedAtNow(long defaultSpanMicros) {
        long to = toMicros == Long.MAX_VALUE ? Micros.of(Instant.now()) : toMicros;
        long from = fromMicros == Long.MIN_VALUE ? to - defaultSpanMicros : fromMicros;
        if (to < from) {
            throw Problem.badParameter("start_time", "start_time is in the future; give an end_time after it");
        }
        return new TimeWindow(from, to);
    }

    private static long parse(String parameter, String value) {
        try {
            return Micros.parseRfc3339(value);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw Problem.badParameter(
                    parameter,
                    parameter + " must be an RFC 3339 date-time such as 2025-07-18T20:42:34Z, not '" + value + "'");
        }
    }
}
