package com.gputelemetry.prometheus.entity;

import java.util.regex.Pattern;

/**
 * One condition of a selector on one label: {@code =}, {@code !=}, {@code =~}, {@code !~}. Regular expressions are
 * anchored at both ends, as in Prometheus; a missing label matches as the empty string.
 */
public record LabelMatcher(String name, Type type, String value, Pattern pattern) {

    public enum Type {
        EQUAL("="),
        NOT_EQUAL("!="),
        REGEX("=~"),
        NOT_REGEX("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public static LabelMatcher of(String name, Type type, String value) {
        Pattern pattern = type == Type.REGEX || type == Type.NOT_REGEX
                ? Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL)
                : null;
        return new LabelMatcher(name, type, value, pattern);
    }

    public boolean matches(Labels labels, QueryDeadline deadline) {
        String actual = labels.get(name);
        return switch (type) {
            case EQUAL -> actual.equals(value);
            case NOT_EQUAL -> !actual.equals(value);
            case REGEX -> pattern.matcher(deadline.watched(actual)).matches();
            case NOT_REGEX -> !pattern.matcher(deadline.watched(actual)).matches();
        };
    }

    /** Whether the empty string matches: a selector needs at least one matcher that does not. */
    public boolean matchesEmpty() {
        return matches(Labels.EMPTY, QueryDeadline.NONE);
    }
}
