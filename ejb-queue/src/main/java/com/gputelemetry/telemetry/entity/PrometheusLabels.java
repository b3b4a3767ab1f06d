package com.gputelemetry.telemetry.entity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a DCGM exporter's label set ({@code name="value",name="value"}, values with backslash escapes) into a map.
 * A label set that does not follow the format is read as far as it does.
 */
public final class PrometheusLabels {

    private PrometheusLabels() {}

    public static Map<String, String> parse(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        int i = 0;
        int length = text.length();
        while (i < length) {
            int equals = text.indexOf('=', i);
            if (equals < 0 || equals + 1 >= length || text.charAt(equals + 1) != '"') {
                break;
            }
            String name = text.substring(i, equals).strip();
            var value = new StringBuilder();
            int j = equals + 2;
            while (j < length && text.charAt(j) != '"') {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < length) {
                    char escaped = text.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
                j++;
            }
            if (j >= length) {
                break;
            }
            labels.put(name, value.toString());
            i = j + 1;
            if (i < length && text.charAt(i) == ',') {
                i++;
            }
        }
        return labels;
    }
}
