package com.gputelemetry.streamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.RowProblem;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowReaderTest {

    private final List<RowProblem> problems = new ArrayList<>();

    @Test
    void readsEveryRowOfTheRealSample() throws Exception {
        var in = new InputStreamReader(
                getClass().getClassLoader().getResourceAsStream("dcgm-sample.csv"), StandardCharsets.UTF_8);
        List<CsvRow> rows = readAll(new CsvRowReader("sample", in));

        assertThat(problems).isEmpty();
        assertThat(rows).hasSize(2_470);
        assertThat(rows.stream().map(CsvRow::uuid).distinct()).hasSize(247);
        assertThat(rows.stream().map(CsvRow::metric).distinct()).hasSize(10);
        assertThat(rows.get(0).line()).isEqualTo(2);
        assertThat(rows.get(2_469).line()).isEqualTo(2_471);
        assertThat(rows.get(0).labels()).startsWith("DCGM_FI_DRIVER_VERSION=\"535.129.03\",Hostname=");
        assertThat(rows.get(0).sourceTimestamp()).isEqualTo("2025-07-18T20:42:34Z");
    }

    @Test
    void reportsUnusableRowsWithLineAndReasonAndGoesOn() throws Exception {
        String csv =
                """
                timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value
                2026-01-01T00:00:00Z,M,0,nvidia0,GPU-a,H100,host,40

                2026-01-01T00:00:00Z,M,1,nvidia1,,H100,host,41
                2026-01-01T00:00:00Z,M,2,nvidia2,GPU-c,H100,host,hot
                2026-01-01T00:00:00Z,M,3,nvidia3,GPU-d,H100,host,2147483634
                2026-01-01T00:00:00Z,M,4,nvidia4,GPU-e,H100,host
                2026-01-01T00:00:00Z,M,5,nvidia5,GPU-f,H100,host,45""";

        List<CsvRow> rows = readAll(new CsvRowReader("awkward.csv", new StringReader(csv)));

        assertThat(rows).extracting(CsvRow::uuid).containsExactly("GPU-a", "GPU-f");
        assertThat(rows).extracting(CsvRow::line).containsExactly(2L, 8L);
        assertThat(problems).extracting(RowProblem::line).containsExactly(4L, 5L, 6L, 7L);
        assertThat(problems)
                .extracting(RowProblem::reason)
                .containsExactly(
                        "uuid is empty",
                        "value is not a number: 'hot'",
                        "value 2147483634 is DCGM's 'not supported' sentinel, not a measurement",
                        "expected 8 fields, found 7");
        assertThat(problems).allMatch(p -> p.source().equals("awkward.csv"));
    }

    @Test
    void toleratesBomCrlfLowercaseHostnameOtherColumnOrderAndExtraColumns() throws Exception {
        String csv = "\uFEFFuuid,value,hostname,extra,timestamp,metric_name,gpu_id,device,modelName\r\n"
                + "GPU-z,7,host-9,x,2026-01-01T00:00:00Z,DCGM_FI_DEV_SM_CLOCK,4,nvidia4,H100\r\n";

        List<CsvRow> rows = readAll(new CsvRowReader("crlf.csv", new StringReader(csv)));

        assertThat(problems).isEmpty();
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.hostname()).isEqualTo("host-9");
            assertThat(row.value()).isEqualTo("7");
            assertThat(row.gpuId()).isEqualTo("4");
            assertThat(row.labels()).isEmpty();
            assertThat(row.line()).isEqualTo(2);
        });
    }

    @Test
    void namesABinaryFileAsNotUtf8WithoutJavaClassNames() {
        byte[] binary = {'t', 'i', 'm', 'e', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, '\n', 1, 2, 3};
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT);
        assertThatThrownBy(() -> new CsvRowReader(
                        "image.png", new InputStreamReader(new java.io.ByteArrayInputStream(binary), decoder)))
                .isInstanceOf(InvalidCsvFileException.class)
                .hasMessageContaining("image.png at line 1: not UTF-8 text")
                .hasMessageNotContaining("Exception")
                .hasMessageNotContaining("Input length");
    }

    @Test
    void namesAnUnterminatedQuoteWithItsLineWithoutTheParsersClassName() throws Exception {
        String csv = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value\n"
                + "2026-01-01T00:00:00Z,M,0,nvidia0,GPU-a,H100,host,40\n"
                + "2026-01-01T00:00:00Z,\"M,0,nvidia0,GPU-a,H100,host,40\n";
        var reader = new CsvRowReader("quotes.csv", new StringReader(csv));
        assertThat(reader.next(problems::add)).isNotNull();
        assertThatThrownBy(() -> reader.next(problems::add))
                .isInstanceOf(InvalidCsvFileException.class)
                .hasMessageContaining("quotes.csv near line 3: a quoted field is never closed")
                .hasMessageNotContaining("org.apache")
                .hasMessageNotContaining("Exception");
    }

    @Test
    void refusesAFileWithoutTheRequiredColumnsNamingThem() {
        assertThatThrownBy(() -> new CsvRowReader("bad.csv", new StringReader("uuid,value\nGPU-1,1\n")))
                .isInstanceOf(InvalidCsvFileException.class)
                .hasMessageContaining("bad.csv")
                .hasMessageContaining("timestamp, metric_name, gpu_id, device, modelName, Hostname");
    }

    private List<CsvRow> readAll(CsvRowReader reader) {
        List<CsvRow> rows = new ArrayList<>();
        try (reader) {
            CsvRow row;
            while ((row = reader.next(problems::add)) != null) {
                rows.add(row);
            }
        }
        return rows;
    }
}
