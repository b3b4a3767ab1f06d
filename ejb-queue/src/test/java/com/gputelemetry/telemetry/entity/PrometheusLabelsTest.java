package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusLabelsTest {

    @Test
    void readsTheSamplesLabelSet() {
        var labels = PrometheusLabels.parse(
                "DCGM_FI_DRIVER_VERSION=\"535.129.03\",Hostname=\"mtv5-dgx1-hgpu-031\",__name__=\"DCGM_FI_DEV_GPU_UTIL\","
                        + "device=\"nvidia0\",gpu=\"0\",instance=\"mtv5-dgx1-hgpu-031:9400\",job=\"dgx_dcgm_exporter\"");

        assertThat(labels)
                .containsEntry("DCGM_FI_DRIVER_VERSION", "535.129.03")
                .containsEntry("instance", "mtv5-dgx1-hgpu-031:9400")
                .containsEntry("__name__", "DCGM_FI_DEV_GPU_UTIL")
                .hasSize(7);
    }

    @Test
    void escapedQuotesAndCommasStayInsideValuesAndBrokenTextIsReadAsFarAsItGoes() {
        assertThat(PrometheusLabels.parse("a=\"x,\\\"y\\\"\",b=\"2\""))
                .containsEntry("a", "x,\"y\"")
                .containsEntry("b", "2");
        assertThat(PrometheusLabels.parse("a=\"1\",b=unquoted")).containsOnlyKeys("a");
        assertThat(PrometheusLabels.parse("a=\"never closed")).isEmpty();
        assertThat(PrometheusLabels.parse(null)).isEmpty();
    }

    @Test
    void unitsFollowDcgmNamingConventions() {
        assertThat(MetricUnit.of("DCGM_FI_DEV_GPU_UTIL")).isEqualTo("%");
        assertThat(MetricUnit.of("DCGM_FI_DEV_POWER_USAGE")).isEqualTo("W");
        assertThat(MetricUnit.of("DCGM_FI_DEV_GPU_TEMP")).isEqualTo("°C");
        assertThat(MetricUnit.of("DCGM_FI_DEV_FB_USED")).isEqualTo("MiB");
        assertThat(MetricUnit.of("DCGM_FI_DEV_SM_CLOCK")).isEqualTo("MHz");
        assertThat(MetricUnit.of("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).isEqualTo("mJ");
        assertThat(MetricUnit.of("DCGM_FI_DEV_XID_ERRORS")).isNull();
    }
}
