package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GpuTest {

    private static final String UUID = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";

    @Test
    void aNewerSightingMovesTheGpuAndExtendsLastSeen() {
        var gpu = new Gpu(
                new Gpu.Sighting(UUID, "host-a", 0, "nvidia0", "H100", "gpu=\"0\"", "DCGM_FI_DEV_GPU_TEMP", 1_000_000));

        gpu.merge(new Gpu.Sighting(UUID, "host-b", 3, "nvidia3", "H100", null, "DCGM_FI_DEV_GPU_TEMP", 2_000_000));

        assertThat(gpu.getHostname()).isEqualTo("host-b");
        assertThat(gpu.getGpuIndex()).isEqualTo(3);
        assertThat(gpu.getDevice()).isEqualTo("nvidia3");
        assertThat(gpu.getFirstSeen()).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(gpu.getLastSeen()).isEqualTo("1970-01-01T00:00:02Z");
    }

    @Test
    void anOlderSightingOnlyExtendsFirstSeen() {
        var gpu = new Gpu(
                new Gpu.Sighting(UUID, "host-a", 0, "nvidia0", "H100", null, "DCGM_FI_DEV_SM_CLOCK", 5_000_000));

        gpu.merge(new Gpu.Sighting(UUID, "host-old", 7, "nvidia7", "A100", null, "DCGM_FI_DEV_GPU_TEMP", 1_500_000));

        assertThat(gpu.getHostname()).isEqualTo("host-a");
        assertThat(gpu.getModel()).isEqualTo("H100");
        assertThat(gpu.getFirstSeen()).isEqualTo("1970-01-01T00:00:01.500Z");
        assertThat(gpu.getLastSeen()).isEqualTo("1970-01-01T00:00:05Z");
        assertThat(gpu.getUuid()).isEqualTo(UUID);
        assertThat(gpu.metricNames()).containsExactly("DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_SM_CLOCK");
    }

    @Test
    void aMetricIsListedOnceWhateverNamesItIsPartOf() {
        var gpu = new Gpu(new Gpu.Sighting(UUID, "h", 0, "nvidia0", "H100", null, "DCGM_FI_DEV_GPU_TEMP", 1));

        gpu.merge(new Gpu.Sighting(UUID, "h", 0, "nvidia0", "H100", null, "GPU_TEMP", 2));
        gpu.merge(new Gpu.Sighting(UUID, "h", 0, "nvidia0", "H100", null, "DCGM_FI_DEV_GPU_TEMP", 3));
        gpu.merge(new Gpu.Sighting(UUID, "h", 0, "nvidia0", "H100", null, "DCGM_FI_DEV_GPU", 4));
        gpu.merge(new Gpu.Sighting(UUID, "h", 0, "nvidia0", "H100", null, "GPU_TEMP", 5));

        assertThat(gpu.metricNames()).containsExactly("DCGM_FI_DEV_GPU", "DCGM_FI_DEV_GPU_TEMP", "GPU_TEMP");
    }
}
