package com.gputelemetry.streamer.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BatchTest {

    @Test
    void stampsRowsWithTheProcessingTimeAndKeepsTheFilesTime() {
        var batch = new Batch(3);
        batch.add(
                new CsvRow(
                        2,
                        "2025-07-18T20:42:34Z",
                        "DCGM_FI_DEV_GPU_UTIL",
                        "0",
                        "nvidia0",
                        "GPU-1",
                        "NVIDIA H100 80GB HBM3",
                        "host-a",
                        "100",
                        "",
                        "pod-7",
                        "",
                        "gpu=\"0\",job=\"dcgm\""),
                Instant.parse("2026-11-22T10:00:00.123456Z"));

        assertThat(batch.sequence()).isEqualTo(3);
        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.toCsv())
                .isEqualTo(
                        "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value,container,pod,namespace,labels_raw,"
                                + "source_timestamp\n"
                                + "2026-11-22T10:00:00.123456Z,DCGM_FI_DEV_GPU_UTIL,0,nvidia0,GPU-1,NVIDIA H100 80GB HBM3,host-a,100,,pod-7,,"
                                + "\"gpu=\"\"0\"\",job=\"\"dcgm\"\"\",2025-07-18T20:42:34Z\n");
    }

    @Test
    void theSummaryIsOneFlatJsonObject() {
        var stats = new StreamStats("rack \"7\"");
        stats.read();
        stats.read();
        stats.acknowledged(1, 12_400_000);
        stats.rejected(1);
        stats.retried();

        assertThat(stats.toJson("summary"))
                .isEqualTo("{\"event\":\"summary\",\"instanceId\":\"rack \\\"7\\\"\","
                        + "\"rowsRead\":2,\"rowsAcked\":1,\"rowsRejected\":1,\"batches\":1,\"retries\":1,"
                        + "\"ackMillisP50\":12,\"ackMillisP99\":12,\"ackMillisMax\":12}");
    }
}
