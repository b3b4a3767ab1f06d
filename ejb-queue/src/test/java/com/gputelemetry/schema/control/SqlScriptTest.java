package com.gputelemetry.schema.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsStatementsAndDropsCommentLines() {
        var statements = SqlScript.statements(
                """
                -- a comment; with a semicolon
                CREATE TABLE a (x INTEGER);

                CREATE INDEX a_x ON a (x);
                """);

        assertThat(statements).containsExactly("CREATE TABLE a (x INTEGER)", "CREATE INDEX a_x ON a (x)");
    }

    @Test
    void everyListedMigrationIsOnTheClassPathAndHasStatementsOrAStep() {
        assertThat(SchemaMigrations.MIGRATIONS)
                .extracting(SchemaMigrations.Migration::version)
                .isSorted();
        for (var migration : SchemaMigrations.MIGRATIONS) {
            if (migration.step() == SchemaMigrations.Step.NONE) {
                assertThat(migration.statements()).as(migration.fileName()).isNotEmpty();
            }
            assertThat(migration.statements())
                    .as(migration.fileName())
                    .allMatch(
                            sql -> sql.startsWith("CREATE ")
                                    || sql.startsWith("ALTER ")
                                    || sql.startsWith("INSERT INTO "),
                            "whole statements: DDL, or a table's first row");
        }
    }
}
