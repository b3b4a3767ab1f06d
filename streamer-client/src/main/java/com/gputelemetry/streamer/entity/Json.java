package com.gputelemetry.streamer.entity;

/** The little JSON the streamer writes itself: its log lines are flat objects of strings and numbers. */
public final class Json {

    private Json() {}

    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        var out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
