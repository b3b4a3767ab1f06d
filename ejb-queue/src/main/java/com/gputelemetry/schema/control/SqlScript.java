package com.gputelemetry.schema.control;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Splits a migration script into statements. Our scripts keep to plain DDL: no semicolons inside literals. */
final class SqlScript {

    private SqlScript() {}

    static List<String> statements(String script) {
        String withoutComments =
                script.lines().filter(line -> !line.strip().startsWith("--")).collect(Collectors.joining("\n"));
        return Arrays.stream(withoutComments.split(";"))
                .map(String::strip)
                .filter(statement -> !statement.isEmpty())
                .toList();
    }
}
