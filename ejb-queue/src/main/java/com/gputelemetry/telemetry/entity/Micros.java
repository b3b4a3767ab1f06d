package com.gputelemetry.telemetry.entity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
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
        long utc = utcAsProducersWriteIt(text);
        return utc != NOT_THAT_FORM
                ? utc
                : of(OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant());
    }

    private static final long NOT_THAT_FORM = Long.MIN_VALUE;

    /**
     * The form nearly every row comes in ({@code Instant.toString()}: {@code 2026-11-22T10:15:30.123456Z}), read
     * without a formatter, which costs several times more and was the largest single cost of reading a batch.
     * Anything else, invalid values included, is left to the formatter and its error message.
     */
    private static long utcAsProducersWriteIt(String t) {
        int length = t.length();
        if (length < 20
                || length > 30
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || Character.toUpperCase(t.charAt(10)) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':'
                || Character.toUpperCase(t.charAt(length - 1)) != 'Z'
                || (length > 20 && (t.charAt(19) != '.' || length == 21))) {
            return NOT_THAT_FORM;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        int fraction = length > 20 ? digits(t, 20, Math.min(length - 1, 26)) : 0;
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > Month.of(month).length(Year.isLeap(year))
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59
                || fraction < 0
                || (length > 27 && digits(t, 26, length - 1) < 0)) {
            return NOT_THAT_FORM;
        }
        for (int digit = length - 1; digit < 26; digit++) {
            fraction *= 10;
        }
        long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
        return seconds * 1_000_000L + fraction;
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int number = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /**
     * RFC 3339 in UTC, with as many fraction digits as the value needs (none, 3 or 6): what {@code Instant.toString()}
     * writes, written here into one array, since every point of every page goes through it.
     */
    public static String toRfc3339(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int fraction = (int) Math.floorMod(micros, 1_000_000L);
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        if (date.getYear() < 0 || date.getYear() > 9999) {
            return toInstant(micros).toString();
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        int fractionDigits = fraction == 0 ? 0 : fraction % 1_000 == 0 ? 3 : 6;
        byte[] text = new byte[20 + (fractionDigits == 0 ? 0 : fractionDigits + 1)];
        write(text, 0, date.getYear(), 4);
        text[4] = '-';
        write(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        write(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        write(text, 11, secondOfDay / 3_600, 2);
        text[13] = ':';
        write(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        write(text, 17, secondOfDay % 60, 2);
        if (fractionDigits > 0) {
            text[19] = '.';
            write(text, 20, fractionDigits == 3 ? fraction / 1_000 : fraction, fractionDigits);
        }
        text[text.length - 1] = 'Z';
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    private static void write(byte[] text, int at, int number, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            text[i] = (byte) ('0' + number % 10);
            number /= 10;
        }
    }
}
