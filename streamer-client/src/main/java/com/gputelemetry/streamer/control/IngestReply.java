package com.gputelemetry.streamer.control;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server said about one batch: rows accepted, and the rejected rows by their line in the posted body
 * (line 1 is the header). The reply is a small flat JSON object; a pattern reads it without a JSON library.
 */
public record IngestReply(int accepted, int rejectedRows, List<Rejection> rejected) {

    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
    private static final Pattern REJECTED_COUNT = Pattern.compile("\"rejectedCount\"\\s*:\\s*(\\d+)");
    private static final Pattern REJECTION = Pattern.compile(
            "\\{\\s*\"line\"\\s*:\\s*(\\d+)\\s*,\\s*\"reason\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*}");

    static IngestReply parse(String body) {
        Matcher accepted = ACCEPTED.matcher(body);
        if (!accepted.find()) {
            throw new IllegalStateException("unexpected reply from the server: " + body);
        }
        List<Rejection> rejected = new ArrayList<>();
        Matcher rejection = REJECTION.matcher(body);
        while (rejection.find()) {
            rejected.add(new Rejection(Long.parseLong(rejection.group(1)), rejection.group(2)));
        }
        // The server lists the first rejections only and counts them all.
        Matcher count = REJECTED_COUNT.matcher(body);
        int rejectedRows = count.find() ? Math.max(Integer.parseInt(count.group(1)), rejected.size()) : rejected.size();
        return new IngestReply(Integer.parseInt(accepted.group(1)), rejectedRows, rejected);
    }

    static IngestReply refused(int rows, String reason) {
        return new IngestReply(0, rows, List.of(new Rejection(0, reason)));
    }

    /** A row the server rejected; line 0 stands for the whole batch. */
    public record Rejection(long bodyLine, String reason) {}
}
