package com.gputelemetry.ingest.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.gputelemetry.ingest.entity.RowRejection;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CsvBatchReaderTest {

    private final CsvBatchReader reader = new CsvBatchReader();

    @Test
    void readsTheRealDcgmSample() throws Exception {
        String sample = Files.readString(Path.of(System.getProperty("sample.csv")));

        CsvBatch batch = reader.read(sample);

        assertThat(batch.rejections()).isEmpty();
        assertThat(batch.rows()).hasSize(2_470);
        assertThat(batch.rows().stream().map(TelemetryRow::uuid).distinct()).hasSize(247);
        assertThat(batch.rows().stream().map(TelemetryRow::metric).distinct()).hasSize(10);
        assertThat(batch.rows().stream().map(TelemetryRow::hostname).distinct()).hasSize(31);
        TelemetryRow first = batch.rows().get(0);
        assertThat(first.uuid()).isEqualTo("GPU-5fd4f087-86f3-7a43-b711-4771313afc50");
        assertThat(first.labels()).contains("DCGM_FI_DRIVER_VERSION=\"535.129.03\"", "job=\"dgx_dcgm_exporter\"");
        assertThat(first.model()).isEqualTo("NVIDIA H100 80GB HBM3");
    }

    @Test
    void rejectsBadRowsWithTheirLineNumbersAndKeepsTheRest() {
        String csv =
                """
                timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value
                2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-a,H100,host,40
                2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,1,nvidia1,GPU-b,H100,host,warm

                2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,2,nvidia2,,H100,host,41
                2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,3,nvidia3,GPU-d,H100,host
                not-a-time,DCGM_FI_DEV_GPU_TEMP,4,nvidia4,GPU-e,H100,host,42
                2026-01-01T00:00:00Z,DCGM_FI_DEV_FB_FREE,5,nvidia5,GPU-f,H100,host,9223372036854775794
                2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,x,nvidia6,GPU-g,H100,host,43
                2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,7,nvidia7,GPU-h,H100,host,44""";

        CsvBatch batch = reader.read(csv);

        assertThat(batch.rows()).extracting(TelemetryRow::uuid).containsExactly("GPU-a", "GPU-h");
        assertThat(batch.rejections()).extracting(RowRejection::line).containsExactly(3L, 5L, 6L, 7L, 8L, 9L);
        assertThat(batch.rejections())
                .extracting(RowRejection::reason)
                .containsExactly(
                        "value is not a number: 'warm'",
                        "uuid is empty",
                        "expected 8 fields, found 7",
                        "timestamp is not an RFC 3339 time: 'not-a-time'",
                        "value 9223372036854775794 is DCGM's 'not supported' sentinel, not a measurement",
                        "gpu_id is not an integer: 'x'");
    }

    @Test
    void aQuoteNeverClosedRejectsTheRestWithItsLineAndKeepsTheRowsBefore() {
        String csv = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value\n"
                + "2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-a,H100,host,40\n"
                + "2026-01-01T00:00:00Z,\"DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-a,H100,host,41\n"
                + "2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-a,H100,host,42\n";

        CsvBatch batch = reader.read(csv);

        assertThat(batch.rows()).hasSize(1);
        assertThat(batch.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.line()).isEqualTo(3);
            assertThat(rejection.reason()).contains("never closed").doesNotContain("Exception");
        });
    }

    @Test
    void findsColumnsByNameInAnyOrderAndCaseWithBomAndCrlf() {
        String csv =
                "\uFEFFHOSTNAME,value,UUID,device,gpu_id,modelname,metric_name,timestamp,extra,source_timestamp\r\n"
                        + "host-1,12.5,GPU-x,nvidia3,3,H100,DCGM_FI_DEV_POWER_USAGE,2026-01-01T00:00:00.5Z,ignored,2025-07-18T20:42:34Z\r\n";

        CsvBatch batch = reader.read(csv);

        assertThat(batch.rejections()).isEmpty();
        TelemetryRow row = batch.rows().get(0);
        assertThat(row.hostname()).isEqualTo("host-1");
        assertThat(row.value()).isEqualTo(12.5);
        assertThat(row.gpuIndex()).isEqualTo(3);
        assertThat(row.timeMicros()).isEqualTo(1_767_225_600_500_000L);
        assertThat(row.sourceTimeMicros()).isEqualTo(1_752_871_354_000_000L);
        assertThat(row.labels()).isNull();
    }

    @Test
    void aValueLongerThanItsColumnIsRejectedWithItsLine() {
        String csv = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value,labels_raw\n"
                + "2026-01-01T00:00:00Z,M,0,nvidia0,GPU-a,H100,host,40,\"" + "x".repeat(4001) + "\"\n"
                + "2026-01-01T00:00:00Z,M,0,nvidia0,GPU-" + "b".repeat(61) + ",H100,host,40,\n"
                + "2026-01-01T00:00:00Z,M,0,nvidia0,GPU-c,H100,host,40,\"" + "x".repeat(4000) + "\"\n";

        CsvBatch batch = reader.read(csv);

        assertThat(batch.rows()).extracting(TelemetryRow::uuid).containsExactly("GPU-c");
        assertThat(batch.rejections())
                .containsExactly(
                        new RowRejection(2, "labels_raw is longer than 4000 characters"),
                        new RowRejection(3, "uuid is longer than 64 characters"));
    }

    @Test
    void refusesABodyWithoutTheRequiredColumnsNamingThem() {
        assertThatThrownBy(() -> reader.read("uuid,value\nGPU-1,3\n"))
                .isInstanceOf(InvalidCsvException.class)
                .hasMessageContaining("timestamp, metric_name, gpu_id, device, modelName, Hostname");
        assertThatThrownBy(() -> reader.read("")).isInstanceOf(InvalidCsvException.class);
    }

    @Test
    void rejectsARowWhoseBytesWereNotUtf8RatherThanStoringReplacementCharacters() {
        byte[] header = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value\n".getBytes(UTF_8);
        byte[] good = "2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-a,H100,host,40\n".getBytes(UTF_8);
        byte[] latin1 = "2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,1,nvidia1,GPU-b,H100,h\u00f6st,41\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        var body = new ByteArrayOutputStream();
        body.writeBytes(header);
        body.writeBytes(good);
        body.writeBytes(latin1);
        body.writeBytes(good);

        CsvBatch batch = reader.read(body.toString(UTF_8));

        assertThat(batch.rows()).extracting(TelemetryRow::uuid).containsExactly("GPU-a", "GPU-a");
        assertThat(batch.rejections()).containsExactly(new RowRejection(3, "Hostname is not UTF-8 text"));
    }

    @Test
    void minusZeroIsZero() {
        CsvBatch batch = reader.read(
                """
                timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value
                2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-a,H100,host,-0
                """);

        assertThat(Double.doubleToRawLongBits(batch.rows().get(0).value())).isEqualTo(Double.doubleToRawLongBits(0.0));
    }
}
