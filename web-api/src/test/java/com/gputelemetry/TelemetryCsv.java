package com.gputelemetry;

import java.time.Instant;
import java.util.UUID;

/**
 * The web module's tests' telemetry in CSV, as producers post it: the header with the exporter's labels, rows of GPUs
 * the tests make up, and names no other test uses. The tests that run inside the server add it to their deployment.
 */
public final class TelemetryCsv {

    public static final String HEADER =
            "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value,labels_raw\n";

    private TelemetryCsv() {}

    /** A row, its line end included; {@code labels} as the exporter writes them (quoted here), empty for none. */
    public static String row(
            Instant time,
            String metric,
            int index,
            String uuid,
            String model,
            String host,
            double value,
            String labels) {
        return time + "," + metric + "," + index + ",nvidia" + index + "," + uuid + "," + model + "," + host + ","
                + value + ",\"" + labels.replace("\"", "\"\"") + "\"\n";
    }

    /** A GPU no test has reported yet. */
    public static String newGpu() {
        return "GPU-" + UUID.randomUUID();
    }

    /** A name (of a host, a model, a topic, a producer) no other test of the run uses. */
    public static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
