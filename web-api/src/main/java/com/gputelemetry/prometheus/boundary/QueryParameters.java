package com.gputelemetry.prometheus.boundary;

import com.gputelemetry.prometheus.control.BadQueryException;
import com.gputelemetry.prometheus.control.PromqlParser;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The parameters of a query API request, from the URL or a POSTed form alike, read as Prometheus reads them: times
 * as Unix seconds (with decimals) or RFC 3339, steps as seconds or a duration such as {@code 15s}.
 */
final class QueryParameters {

    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");

    private final HttpServletRequest request;

    QueryParameters(HttpServletRequest request) {
        this.request = request;
    }

    String required(String name) {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            throw new BadQueryException("invalid parameter \"" + name + "\": it is required");
        }
        return value;
    }

    String optional(String name) {
        String value = request.getParameter(name);
        return value == null || value.isEmpty() ? null : value;
    }

    List<String> all(String name) {
        String[] values = request.getParameterValues(name);
        return values == null ? List.of() : List.of(values);
    }

    /** A time in milliseconds since the epoch; {@code fallback} when absent (null: required). */
    long time(String name, Long fallback) {
        String text = fallback == null ? required(name) : optional(name);
        if (text == null) {
            return fallback;
        }
        try {
            return new BigDecimal(text)
                    .movePointRight(3)
                    .setScale(0, RoundingMode.HALF_EVEN)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException notRfc3339) {
                throw new BadQueryException(
                        "invalid parameter \"" + name + "\": cannot parse \"" + text + "\" to a valid timestamp");
            }
        }
    }

    /** A step in milliseconds: seconds, with decimals, or a duration. */
    long step(String name) {
        String text = required(name);
        if (DURATION.matcher(text).matches()) {
            return PromqlParser.durationMillis(text);
        }
        try {
            return new BigDecimal(text)
                    .movePointRight(3)
                    .setScale(0, RoundingMode.HALF_EVEN)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadQueryException(
                    "invalid parameter \"" + name + "\": cannot parse \"" + text + "\" to a valid duration");
        }
    }
}
