package com.gputelemetry.streamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.RowProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The awkward files real exporters and people produce (src/test/resources/csv-corpus), each with its outcome. */
class CsvCorpusTest {

    private final List<RowProblem> problems = new ArrayList<>();

    @ParameterizedTest(name = "{0}: {1} rows at lines {2}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            bom-crlf.csv                  | 3 | 2 3 4
            unquoted.csv                  | 3 | 2 3 4
            blank-lines.csv               | 3 | 2 4 7
            lowercase-reordered-extra.csv | 2 | 2 3
            no-final-newline.csv          | 2 | 2 3
            header-only.csv               | 0 |
            """)
    void readsEveryUsableRowWithItsLineNumber(String file, int rows, String lines) throws Exception {
        List<CsvRow> read = readAll(corpus(file));

        assertThat(problems).isEmpty();
        assertThat(read).hasSize(rows);
        assertThat(read.stream().map(row -> Long.toString(row.line())).toList())
                .containsExactly(lines == null ? new String[0] : lines.split(" "));
        assertThat(read).allSatisfy(row -> {
            assertThat(row.uuid()).startsWith("GPU-");
            assertThat(Double.parseDouble(row.value())).isBetween(40.0, 42.0);
        });
    }

    @Test
    void keepsTheFieldsOfQuotedAndUnquotedRowsAlike() throws Exception {
        CsvRow quoted = readAll(corpus("bom-crlf.csv")).get(0);
        CsvRow unquoted = readAll(corpus("unquoted.csv")).get(0);

        assertThat(unquoted).isEqualTo(quoted);
        assertThat(quoted.labels()).isEqualTo("gpu=\"0\",UUID=\"GPU-0000\",job=\"dcgm\"");
        assertThat(quoted.sourceTimestamp()).isEqualTo("2025-07-18T20:42:34Z");
    }

    @Test
    void optionalColumnsMayBeMissing() throws Exception {
        CsvRow row = readAll(corpus("lowercase-reordered-extra.csv")).get(0);

        assertThat(row.hostname()).isEqualTo("host-9");
        assertThat(row.model()).isEqualTo("H100");
        assertThat(row.container()).isEmpty();
        assertThat(row.pod()).isEmpty();
        assertThat(row.namespace()).isEmpty();
        assertThat(row.labels()).isEmpty();
    }

    @Test
    void reportsEachUnusableRowWithItsLineAndReasonAndKeepsTheRest() throws Exception {
        List<CsvRow> read = readAll(corpus("bad-rows.csv"));

        assertThat(read).extracting(CsvRow::uuid).containsExactly("GPU-0000", "GPU-0007");
        assertThat(problems).extracting(RowProblem::line).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(problems)
                .extracting(RowProblem::reason)
                .containsExactly(
                        "uuid is empty",
                        "value is not a number: 'n/a'",
                        "value 9223372036854775794 is DCGM's 'not supported' sentinel, not a measurement",
                        "expected 12 fields, found 11",
                        "value is not a finite number: 'NaN'",
                        "timestamp is not an RFC 3339 time: '2025-07-18 20:42'");
        assertThat(problems).allSatisfy(p -> assertThat(p.source()).endsWith("bad-rows.csv"));
    }

    @Test
    void aQuotedFieldOverTwoLinesDoesNotShiftTheLineNumbersAfterIt() throws Exception {
        List<CsvRow> read = readAll(corpus("multiline-field.csv"));

        assertThat(read).singleElement().satisfies(row -> assertThat(row.labels())
                .contains("\nnote=\"two lines\""));
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(4);
            assertThat(problem.reason()).isEqualTo("value is not a number: 'x'");
        });
    }

    @ParameterizedTest
    @CsvSource({
        "missing-columns.csv, 'the header lacks the required column(s) device, uuid, modelName, Hostname'",
        "empty.csv, 'the header lacks the required column(s) timestamp, metric_name, gpu_id, device, uuid'"
    })
    void refusesAFileWithoutTheRequiredColumnsAtOnce(String file, String message) {
        assertThatThrownBy(() -> CsvInput.of(corpus(file).toString()))
                .isInstanceOf(InvalidCsvFileException.class)
                .hasMessageContaining(file)
                .hasMessageContaining(message);
    }

    @Test
    void aDirectoryIsReadFileByFileInNameOrderIgnoringOtherFiles(@TempDir Path directory) throws Exception {
        Files.copy(corpus("unquoted.csv"), directory.resolve("b.csv"));
        Files.copy(corpus("no-final-newline.csv"), directory.resolve("a.csv"));
        Files.writeString(directory.resolve("notes.txt"), "not telemetry");

        CsvInput input = CsvInput.of(directory.toString());
        List<CsvRow> read = new ArrayList<>();
        try (CsvInput.Pass pass = input.open()) {
            CsvRow row;
            while ((row = pass.next(problems::add)) != null) {
                read.add(row);
            }
        }

        assertThat(input.repeatable()).isTrue();
        assertThat(read).hasSize(5);
        assertThat(read).extracting(CsvRow::line).containsExactly(2L, 3L, 2L, 3L, 4L);
    }

    @Test
    void aDirectoryWithABadFileOrNoCsvAtAllIsRefusedBeforeAnythingIsSent(@TempDir Path directory) throws Exception {
        assertThatThrownBy(() -> CsvInput.of(directory.toString()))
                .isInstanceOf(InvalidCsvFileException.class)
                .hasMessageContaining("no *.csv file");

        Files.copy(corpus("unquoted.csv"), directory.resolve("a.csv"));
        Files.copy(corpus("missing-columns.csv"), directory.resolve("z.csv"));
        assertThatThrownBy(() -> CsvInput.of(directory.toString()))
                .isInstanceOf(InvalidCsvFileException.class)
                .hasMessageContaining("z.csv");
        assertThatThrownBy(() -> CsvInput.of(directory.resolve("absent.csv").toString()))
                .isInstanceOf(InvalidCsvFileException.class)
                .hasMessageContaining("no such file");
    }

    private List<CsvRow> readAll(Path file) throws Exception {
        List<CsvRow> rows = new ArrayList<>();
        try (CsvInput.Pass pass = CsvInput.of(file.toString()).open()) {
            CsvRow row;
            while ((row = pass.next(problems::add)) != null) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static Path corpus(String file) throws Exception {
        return Path.of(CsvCorpusTest.class.getResource("/csv-corpus/" + file).toURI());
    }
}
