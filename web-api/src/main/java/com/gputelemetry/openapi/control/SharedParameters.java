package com.gputelemetry.openapi.control;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.parameters.Parameter.In;

/**
 * The parameters several operations take, each described once; the resources name them by key
 * ({@code @Parameter(ref = "uuid")}).
 */
final class SharedParameters {

    private SharedParameters() {}

    static Map<String, Parameter> all() {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        parameters.put(
                "uuid",
                parameter("uuid", In.PATH, "The GPU's UUID")
                        .required(true)
                        .schema(ContractSchemas.typed(SchemaType.STRING))
                        .example("GPU-5fd4f087-86f3-7a43-b711-4771313afc50"));
        parameters.put(
                "hostname",
                parameter("hostname", In.QUERY, "Only GPUs on this host (exact, case-insensitive)")
                        .schema(ContractSchemas.typed(SchemaType.STRING))
                        .example("mtv5-dgx1-hgpu-031"));
        parameters.put(
                "namespace",
                parameter(
                                "namespace",
                                In.QUERY,
                                "Only what a workload of this Kubernetes namespace was served (exact, as the exporter"
                                        + " labelled it)")
                        .schema(ContractSchemas.typed(SchemaType.STRING))
                        .example("training"));
        parameters.put(
                "pod",
                parameter("pod", In.QUERY, "Only what this pod was served (exact, as the exporter labelled it)")
                        .schema(ContractSchemas.typed(SchemaType.STRING))
                        .example("llm-finetune-0"));
        parameters.put(
                "metric",
                parameter("metric", In.QUERY, "Only these metrics (repeat the parameter for several); default: all")
                        .schema(ContractSchemas.typed(SchemaType.ARRAY).items(ContractSchemas.typed(SchemaType.STRING)))
                        .example(List.of("DCGM_FI_DEV_GPU_TEMP")));
        parameters.put(
                "limit",
                parameter("limit", In.QUERY, "Most items in one page")
                        .schema(ContractSchemas.typed(SchemaType.INTEGER)
                                .minimum(BigDecimal.ONE)
                                .maximum(BigDecimal.valueOf(10_000))
                                .defaultValue(1000)));
        parameters.put(
                "cursor",
                parameter("cursor", In.QUERY, "The nextCursor of the previous page; leave out for the first page")
                        .schema(ContractSchemas.typed(SchemaType.STRING)));
        // One header for both streams: their ids differ in form, and each stream answers 400 to the other's.
        parameters.put(
                "Last-Event-ID",
                parameter(
                                "Last-Event-ID",
                                In.HEADER,
                                "The id of the last event received, to resume after it: a point's id on one GPU's "
                                        + "stream, a checkpoint's id on the fleet's")
                        .schema(ContractSchemas.typed(SchemaType.STRING))
                        .addExample("a GPU's point", OASFactory.createExample().value("3-1042-7"))
                        .addExample(
                                "a fleet checkpoint", OASFactory.createExample().value("v1.120.98.131.77")));
        parameters.put(
                "deadLetterId",
                parameter("id", In.PATH, "The dead letter's id")
                        .required(true)
                        .schema(ContractSchemas.typed(SchemaType.INTEGER).format("int64")));
        return parameters;
    }

    private static Parameter parameter(String name, In in, String description) {
        return OASFactory.createParameter().name(name).in(in).description(description);
    }
}
