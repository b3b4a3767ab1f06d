package com.gputelemetry.graphql.control;

import graphql.execution.AbortExecutionException;
import jakarta.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An operation refused before it runs: it passes one of the limits (the setting is named as the parameter), or it is a
 * subscription sent over HTTP (no parameter).
 */
public class LimitExceeded extends AbortExecutionException {

    private final String setting;

    public LimitExceeded(String message, String setting) {
        super(message);
        this.setting = setting;
    }

    @Override
    public Map<String, Object> getExtensions() {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("type", "about:blank");
        extensions.put("title", setting == null ? "Bad Request" : "Query too large");
        extensions.put("status", Json.createValue(400));
        if (setting != null) {
            extensions.put("parameter", setting);
        }
        return extensions;
    }
}
