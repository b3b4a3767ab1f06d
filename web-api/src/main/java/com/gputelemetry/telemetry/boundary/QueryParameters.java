package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.entity.GpuPosition;
import com.gputelemetry.telemetry.entity.SeriesPosition;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the query parameters the GPU API shares; anything malformed is a 400 problem naming the parameter. */
public final class QueryParameters {

    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    static final int MAX_BUCKETS = 10_000;
    private static final Pattern STEP = Pattern.compile("(\\d{1,9})(s|m|h|d)");

    private QueryParameters() {}

    static int limit(String text) {
        return limit(text, MAX_LIMIT);
    }

    /**
     * A {@code limit} from 1 to {@code max}. Taken as text and parsed here: JAX-RS answers 404, not 400, to a query
     * parameter it cannot convert.
     */
    public static int limit(String text, int max) {
        String given = text == null ? "" : text;
        try {
            int limit = Integer.parseInt(given.strip());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String shown = given.length() > 40 ? given.substring(0, 40) + "..." : given;
        throw Problem.badParameter("limit", "limit must be an integer from 1 to " + max + ", not '" + shown + "'");
    }

    /** @return true for newest first */
    static boolean descending(String order) {
        return switch (order) {
            case "asc" -> false;
            case "desc" -> true;
            default -> throw Problem.badParameter("order", "order must be asc or desc, not '" + order + "'");
        };
    }

    static SeriesPosition seriesCursor(String cursor, boolean descending) {
        if (cursor == null) {
            return SeriesPosition.start(descending);
        }
        SeriesPosition position;
        try {
            position = SeriesPosition.fromCursor(cursor);
        } catch (IllegalArgumentException e) {
            throw unknownCursor(cursor);
        }
        if (position.descending() != descending) {
            throw Problem.badParameter(
                    "cursor",
                    "this cursor continues an order=" + (position.descending() ? "desc" : "asc") + " listing");
        }
        return position;
    }

    static GpuPosition gpuCursor(String cursor) {
        try {
            return cursor == null ? GpuPosition.START : GpuPosition.fromCursor(cursor);
        } catch (IllegalArgumentException e) {
            throw unknownCursor(cursor);
        }
    }

    static String hostCursor(String cursor) {
        try {
            return cursor == null ? "" : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unknownCursor(cursor);
        }
    }

    public static String toHostCursor(String hostname) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hostname.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The metrics asked for, each one that some GPU has reported.
     *
     * @param known read only when metrics are asked for: most requests ask for none
     */
    public static List<String> metrics(List<String> requested, Supplier<Set<String>> known) {
        if (requested.isEmpty()) {
            return List.of();
        }
        Set<String> names = known.get();
        for (String metric : requested) {
            if (!names.contains(metric)) {
                throw Problem.badParameter(
                        "metric", "no GPU has reported a metric '" + metric + "'; see /api/v1/telemetry-metrics");
            }
        }
        return requested.stream().distinct().toList();
    }

    /** A bucket width such as 30s, 1m, 15m, 1h or 1d, in microseconds. */
    static long stepMicros(String step) {
        Matcher matcher = STEP.matcher(step);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw Problem.badParameter(
                    "step",
                    "step must be a positive whole number of s, m, h or d, such as 1m or 1h, not '" + step + "'");
        }
        long seconds = Long.parseLong(matcher.group(1))
                * switch (matcher.group(2)) {
                    case "s" -> 1L;
                    case "m" -> 60L;
                    case "h" -> 3_600L;
                    default -> 86_400L;
                };
        return seconds * 1_000_000L;
    }

    private static RuntimeException unknownCursor(String cursor) {
        return Problem.badParameter("cursor", "cursor is not one this API handed out: '" + cursor + "'");
    }
}
