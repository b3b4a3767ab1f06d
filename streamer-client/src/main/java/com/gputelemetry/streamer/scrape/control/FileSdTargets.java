package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a Prometheus {@code file_sd} file, JSON or YAML: a list of groups, each {@code targets} (host:port) and
 * optional {@code labels}. YAML's reader takes JSON as well; only plain data is built from it, never objects.
 */
final class FileSdTargets {

    /** Far beyond a real fleet's file; a bigger one is a mistake, not a target list. */
    private static final int MAX_FILE_BYTES = 16 << 20;

    private FileSdTargets() {}

    /** @throws IllegalArgumentException when the file is not a list of target groups, saying where */
    static List<ScrapeTarget> read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + " is larger than 16 MiB");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (file.getFileName().toString().toLowerCase().endsWith(".json")) {
            // YAML allows no tab where JSON's indentation often has one; in JSON a tab is only ever whitespace.
            text = text.replace('\t', ' ');
        }
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + " is neither JSON nor YAML: " + firstLine(e.getMessage()));
        }
        if (document == null) {
            return List.of();
        }
        if (!(document instanceof List<?> groups)) {
            throw new IllegalArgumentException(file + ": expected a list of {targets, labels} groups");
        }
        List<ScrapeTarget> targets = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            String where = file + ": group " + (i + 1);
            if (!(groups.get(i) instanceof Map<?, ?> group)) {
                throw new IllegalArgumentException(where + " is not a {targets, labels} object");
            }
            Map<String, String> labels = labels(group.get("labels"), where);
            if (!(group.get("targets") instanceof List<?> addresses)) {
                throw new IllegalArgumentException(where + " has no list of targets");
            }
            for (Object address : addresses) {
                if (!(address instanceof String hostPort)) {
                    throw new IllegalArgumentException(where + ": target " + address + " is not a string");
                }
                try {
                    targets.add(ScrapeTarget.of(hostPort, labels));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage());
                }
            }
        }
        return targets;
    }

    private static Map<String, String> labels(Object labels, String where) {
        if (labels == null) {
            return Map.of();
        }
        if (!(labels instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": labels is not an object of names and values");
        }
        Map<String, String> result = new LinkedHashMap<>();
        map.forEach((name, value) -> {
            if (!(name instanceof String) || value == null || value instanceof Map || value instanceof List) {
                throw new IllegalArgumentException(where + ": label " + name + " is not a name with a plain value");
            }
            result.put((String) name, String.valueOf(value));
        });
        return result;
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message).strip();
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
