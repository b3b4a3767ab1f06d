package com.gputelemetry.telemetry.boundary;

/** Example bodies for the OpenAPI document, taken from real answers of the API. */
final class Examples {

    static final String GPU =
            """
            {"uuid":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50","hostname":"mtv5-dgx1-hgpu-031","gpuIndex":0,\
            "device":"nvidia0","model":"NVIDIA H100 80GB HBM3","firstSeen":"2026-11-22T10:00:00.123456Z",\
            "lastSeen":"2026-11-22T10:05:00.654321Z"}""";
    static final String GPU_PAGE = "{\"items\":[" + GPU + "],\"nextCursor\":\"bXR2NS1kZ3gxLWhncHUtMDMxCjAKR1BVLTVm\"}";
    static final String GPU_DETAIL =
            """
            {"uuid":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50","hostname":"mtv5-dgx1-hgpu-031","gpuIndex":0,\
            "device":"nvidia0","model":"NVIDIA H100 80GB HBM3","firstSeen":"2026-11-22T10:00:00.123456Z",\
            "lastSeen":"2026-11-22T10:05:00.654321Z","driverVersion":"535.129.03","labels":{"Hostname":\
            "mtv5-dgx1-hgpu-031","UUID":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50","device":"nvidia0","gpu":"0",\
            "instance":"mtv5-dgx1-hgpu-031:9400","job":"dgx_dcgm_exporter","modelName":"NVIDIA H100 80GB HBM3"},\
            "workloads":[{"namespace":"training","pod":"llm-finetune-0","container":"trainer",\
            "firstSeen":"2026-11-22T10:00:00.123456Z","lastSeen":"2026-11-22T10:05:00.654321Z"}],"latest":[{"metric":"DCGM_FI_DEV_GPU_TEMP","unit":"°C","timestamp":"2026-11-22T10:05:00.654321Z",\
            "value":41.0},{"metric":"DCGM_FI_DEV_POWER_USAGE","unit":"W","timestamp":\
            "2026-11-22T10:05:00.654321Z","value":112.5}]}""";
    static final String SERIES =
            """
            {"gpu":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50","items":[\
            {"timestamp":"2026-11-22T10:00:00.123456Z","metric":"DCGM_FI_DEV_GPU_TEMP","value":41.0},\
            {"timestamp":"2026-11-22T10:00:00.123456Z","metric":"DCGM_FI_DEV_POWER_USAGE","value":112.5}],\
            "nextCursor":"MTc5NTMzNDExODA5MDEyMzo0MjUwMA"}""";
    static final String SERIES_CSV =
            """
            timestamp,metric,value
            2026-11-22T10:00:00.123456Z,DCGM_FI_DEV_GPU_TEMP,41.0
            2026-11-22T10:00:00.123456Z,DCGM_FI_DEV_POWER_USAGE,112.5
            """;
    static final String SERIES_NDJSON =
            """
            {"timestamp":"2026-11-22T10:00:00.123456Z","metric":"DCGM_FI_DEV_GPU_TEMP","value":41.0}
            {"timestamp":"2026-11-22T10:00:00.123456Z","metric":"DCGM_FI_DEV_POWER_USAGE","value":112.5}
            """;
    static final String SUMMARY =
            """
            {"gpu":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50","step":"1m","items":[\
            {"metric":"DCGM_FI_DEV_GPU_TEMP","start":"2026-11-22T10:00:00Z","min":40.0,"max":44.0,"avg":41.5,"count":60},\
            {"metric":"DCGM_FI_DEV_GPU_TEMP","start":"2026-11-22T10:01:00Z","min":41.0,"max":45.0,"avg":42.9,"count":60}],\
            "nextCursor":null}""";
    static final String HOSTS = "{\"items\":[{\"hostname\":\"mtv5-dgx1-hgpu-001\",\"gpus\":8},"
            + "{\"hostname\":\"mtv5-dgx1-hgpu-003\",\"gpus\":8}],\"nextCursor\":null}";
    static final String METRICS = "{\"items\":[{\"name\":\"DCGM_FI_DEV_GPU_TEMP\",\"unit\":\"°C\"},"
            + "{\"name\":\"DCGM_FI_DEV_XID_ERRORS\",\"unit\":null}],\"nextCursor\":null}";

    private Examples() {}
}
