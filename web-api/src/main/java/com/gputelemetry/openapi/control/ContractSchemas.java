package com.gputelemetry.openapi.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * The bodies of the API as named schemas, which the resources' annotations reference ({@code @Schema(ref = …)}).
 * Written out here because the server's generator describes records poorly (a list of GPUs as a list of anything, a
 * page inline in every operation instead of one named type); {@code OpenApiContractTest} checks the document and the
 * generated client's test reads every one of these from the running server.
 */
final class ContractSchemas {

    private ContractSchemas() {}

    static Map<String, Schema> all() {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(
                "Problem",
                object(
                        "An RFC 9457 problem detail: the body of every error response",
                        props(
                                "type", string("A URI naming the kind of problem; about:blank for a plain HTTP status"),
                                "title", string("The HTTP status's phrase"),
                                "status", integer("The HTTP status"),
                                "detail", string("What is wrong, in the client's terms"),
                                "parameter", string("The offending parameter or header, where there is one")),
                        "type",
                        "title",
                        "status",
                        "detail"));
        schemas.put(
                "Gpu",
                object(
                        "A GPU that has reported telemetry, identified by its UUID",
                        props(
                                "uuid", string("The GPU's UUID"),
                                "hostname", string("The host it is in"),
                                "gpuIndex", integer("Its index on the host (0-7; repeats on every host)"),
                                "device", string("The device name, e.g. nvidia0"),
                                "model", string("The model name"),
                                "firstSeen", time("Its first report"),
                                "lastSeen", time("Its latest report")),
                        "uuid",
                        "hostname",
                        "gpuIndex",
                        "device",
                        "model",
                        "firstSeen",
                        "lastSeen"));
        schemas.put("GpuPage", page("A page of GPUs", "Gpu"));
        schemas.put(
                "LatestValue",
                object(
                        "The newest point of one metric",
                        props(
                                "metric", string("The metric's name"),
                                "unit", nullable(string("Its unit, from DCGM's naming; null when unknown")),
                                "timestamp", time("When it was measured"),
                                "value", number("The value")),
                        "metric",
                        "timestamp",
                        "value"));
        schemas.put(
                "Workload",
                object(
                        "A Kubernetes workload the GPU served, and from when to when it was measured serving it",
                        props(
                                "namespace", string("The pod's namespace, as the exporter labelled it (may be empty)"),
                                "pod", string("The pod (may be empty)"),
                                "container", string("The container (may be empty)"),
                                "firstSeen", time("The first point measured while serving it"),
                                "lastSeen", time("The latest such point")),
                        "namespace",
                        "pod",
                        "container",
                        "firstSeen",
                        "lastSeen"));
        schemas.put(
                "GpuDetail",
                object(
                        "One GPU: identity, placement, reports, exporter labels, the workloads it served and the"
                                + " latest value of each metric",
                        props(
                                "uuid", string("The GPU's UUID"),
                                "hostname", string("The host it is in"),
                                "gpuIndex", integer("Its index on the host"),
                                "device", string("The device name"),
                                "model", string("The model name"),
                                "firstSeen", time("Its first report"),
                                "lastSeen", time("Its latest report"),
                                "driverVersion", nullable(string("The driver version the exporter reported")),
                                "labels", map("The exporter's other labels"),
                                "workloads",
                                        array(
                                                "The workloads it served, the earliest first: which pod held it when",
                                                "Workload"),
                                "latest", array("The newest point of each metric", "LatestValue")),
                        "uuid",
                        "hostname",
                        "gpuIndex",
                        "device",
                        "model",
                        "firstSeen",
                        "lastSeen",
                        "labels",
                        "workloads",
                        "latest"));
        schemas.put(
                "Point",
                object(
                        "One measured value",
                        props(
                                "timestamp", time("When the row was processed"),
                                "metric", string("The metric's name"),
                                "value", number("The value")),
                        "timestamp",
                        "metric",
                        "value"));
        schemas.put("Series", withGpu(page("A page of one GPU's points", "Point"), "The GPU's UUID"));
        schemas.put(
                "Bucket",
                object(
                        "The points of one metric with start <= time < start + step",
                        props(
                                "metric", string("The metric's name"),
                                "start", time("The bucket's start, a whole multiple of the step"),
                                "min", number("The smallest value"),
                                "max", number("The largest value"),
                                "avg", number("The mean"),
                                "count", integer("How many points")),
                        "metric",
                        "start",
                        "min",
                        "max",
                        "avg",
                        "count"));
        Schema summary = withGpu(page("Buckets of one GPU's points, in time order", "Bucket"), "The GPU's UUID");
        summary.addProperty("step", string("The bucket width asked for"));
        summary.addRequired("step");
        schemas.put("SeriesSummary", summary);
        schemas.put(
                "HostEntry",
                object(
                        "A host and how many GPUs it has",
                        props("hostname", string("The host's name"), "gpus", integer("Its GPUs")),
                        "hostname",
                        "gpus"));
        schemas.put("HostPage", page("A page of hosts", "HostEntry"));
        schemas.put(
                "MetricEntry",
                object(
                        "A metric some GPU has reported",
                        props(
                                "name",
                                string("The metric's name"),
                                "unit",
                                nullable(string("Its unit, from DCGM's naming; null when unknown"))),
                        "name"));
        schemas.put("MetricPage", page("The metrics", "MetricEntry"));
        schemas.put(
                "GpuLatest",
                object(
                        "A GPU of the fleet with the latest value of the metrics asked for",
                        props(
                                "uuid", string("The GPU's UUID"),
                                "hostname", string("The host it is in"),
                                "gpuIndex", integer("Its index on the host"),
                                "model", string("The model name"),
                                "lastSeen", time("Its latest report"),
                                "latest", array("The latest values", "LatestValue")),
                        "uuid",
                        "hostname",
                        "gpuIndex",
                        "model",
                        "lastSeen",
                        "latest"));
        schemas.put("LatestPage", page("A page of the fleet", "GpuLatest"));
        schemas.put(
                "RowRejection",
                object(
                        "A row of a batch that was not accepted",
                        props(
                                "line",
                                integer("Its line in the batch (the header is line 1)"),
                                "reason",
                                string("What is wrong with it")),
                        "line",
                        "reason"));
        schemas.put(
                "IngestReceipt",
                object(
                        "What became of a batch: stored durably when this answer is sent",
                        props(
                                "accepted", integer("Rows accepted"),
                                "duplicate", bool("Whether this batch had been received before (nothing stored again)"),
                                "rejectedCount", integer("Rows not accepted"),
                                "rejected", array("The first 100 rows not accepted", "RowRejection")),
                        "accepted",
                        "duplicate",
                        "rejectedCount",
                        "rejected"));
        schemas.put(
                "PartitionStats",
                object(
                        "One partition of a topic",
                        props(
                                "partition", integer("Its number"),
                                "headOffset", integer("The offset the next record gets"),
                                "oldestOffset", integer("The oldest offset retention has kept"),
                                "records", integer("The records the log holds")),
                        "partition",
                        "headOffset",
                        "oldestOffset",
                        "records"));
        schemas.put(
                "TopicStats",
                object(
                        "A topic and its partitions",
                        props(
                                "topic", string("Its name"),
                                "partitionCount", integer("Its partitions"),
                                "records", integer("The records the log holds"),
                                "partitions", array("Each partition", "PartitionStats")),
                        "topic",
                        "partitionCount",
                        "records",
                        "partitions"));
        schemas.put("TopicList", items("The topics", "TopicStats"));
        schemas.put(
                "PartitionProgress",
                object(
                        "A group's position in one partition",
                        props(
                                "partition", integer("The partition"),
                                "committedOffset", integer("The next offset the group processes"),
                                "lag", integer("Records it still has to process"),
                                "owner", nullable(string("The server whose lease it is; null when free"))),
                        "partition",
                        "committedOffset",
                        "lag"));
        schemas.put(
                "GroupView",
                object(
                        "A consumer group's progress (all servers) with this server's workers and counters",
                        props(
                                "group", string("The group"),
                                "topic", string("Its topic"),
                                "lag", integer("Records still to process, all partitions"),
                                "deadLetters", integer("Records it gave up on"),
                                "workers", nullable(integer("Its workers on this server; null when not here")),
                                "delivered", nullable(integer("Records delivered here")),
                                "redeliveries", nullable(integer("Records delivered here again")),
                                "partitions", array("Each partition", "PartitionProgress")),
                        "group",
                        "topic",
                        "lag",
                        "deadLetters",
                        "partitions"));
        schemas.put("GroupList", items("The consumer groups", "GroupView"));
        schemas.put(
                "WorkerCount",
                object(
                        "A group's number of workers on this server",
                        props("workers", integer("From 1 to 10")),
                        "workers"));
        schemas.put(
                "GroupStatus",
                object(
                        "What a group's workers on this server have done since it was (re)started here",
                        props(
                                "group", string("The group"),
                                "topic", string("Its topic"),
                                "workers", integer("Its workers here"),
                                "delivered", integer("Records delivered"),
                                "redeliveries", integer("Records delivered again"),
                                "deadLetters", integer("Records given up on"),
                                "lastError", nullable(string("The last error, if any"))),
                        "group",
                        "topic",
                        "workers",
                        "delivered",
                        "redeliveries",
                        "deadLetters"));
        schemas.put(
                "DeadLetter",
                object(
                        "A record one consumer group could not process within its attempts",
                        props(
                                "id", integer("Its id"),
                                "group", string("The group"),
                                "topic", string("The topic"),
                                "partition", integer("The partition"),
                                "offset", integer("The record's offset"),
                                "attempts", integer("Delivery attempts"),
                                "lastError", string("The last attempt's error"),
                                "failedAtMillis", integer("When it was given up on, ms since the epoch")),
                        "id",
                        "group",
                        "topic",
                        "partition",
                        "offset",
                        "attempts",
                        "lastError",
                        "failedAtMillis"));
        schemas.put("DeadLetterList", items("Dead letters, oldest first", "DeadLetter"));
        schemas.put(
                "DeadLetterDetail",
                object(
                        "A dead letter and its payload, the record as it was in the log",
                        props("letter", ref("DeadLetter"), "payload", string("The record's payload")),
                        "letter",
                        "payload"));
        return schemas;
    }

    private static Schema object(String description, Map<String, Schema> properties, String... required) {
        return typed(SchemaType.OBJECT)
                .description(description)
                .properties(properties)
                .required(Arrays.asList(required));
    }

    private static Map<String, Schema> props(Object... namesAndSchemas) {
        Map<String, Schema> properties = new LinkedHashMap<>();
        for (int i = 0; i < namesAndSchemas.length; i += 2) {
            properties.put((String) namesAndSchemas[i], (Schema) namesAndSchemas[i + 1]);
        }
        return properties;
    }

    private static Schema page(String description, String item) {
        return object(
                description,
                props(
                        "items",
                        array("This page's items", item),
                        "nextCursor",
                        nullable(string("Pass it as cursor for the next page; null on the last"))),
                "items");
    }

    private static Schema withGpu(Schema page, String description) {
        page.addProperty("gpu", string(description));
        page.addRequired("gpu");
        return page;
    }

    private static Schema items(String description, String item) {
        return object(description, props("items", array("The items", item)), "items");
    }

    private static Schema array(String description, String item) {
        return typed(SchemaType.ARRAY).description(description).items(ref(item));
    }

    static Schema ref(String name) {
        return OASFactory.createSchema().ref(name);
    }

    private static Schema map(String description) {
        return typed(SchemaType.OBJECT).description(description).additionalPropertiesSchema(typed(SchemaType.STRING));
    }

    static Schema string(String description) {
        return typed(SchemaType.STRING).description(description);
    }

    private static Schema time(String description) {
        return string(description + " (RFC 3339, UTC)").format("date-time");
    }

    static Schema integer(String description) {
        return typed(SchemaType.INTEGER).format("int64").description(description);
    }

    private static Schema number(String description) {
        return typed(SchemaType.NUMBER).format("double").description(description);
    }

    private static Schema bool(String description) {
        return typed(SchemaType.BOOLEAN).description(description);
    }

    /**
     * A schema of one type. Payara implements MicroProfile OpenAPI 3 ({@code type(SchemaType)}), WildFly 39 version 4,
     * where a schema has a list of types: this class is compiled against 3 and finds the other at run time.
     */
    static Schema typed(SchemaType type) {
        Schema schema = OASFactory.createSchema();
        try {
            return schema.type(type);
        } catch (NoSuchMethodError version4) {
            return (Schema) call(schema, "type", List.of(type));
        }
    }

    private static Schema nullable(Schema schema) {
        try {
            return schema.nullable(true);
        } catch (NoSuchMethodError version4) {
            // OpenAPI 3.1: null is one of the schema's types.
            @SuppressWarnings("unchecked")
            List<SchemaType> types = new ArrayList<>((List<SchemaType>) call(schema, "getType", null));
            types.add(SchemaType.valueOf("NULL"));
            return (Schema) call(schema, "type", types);
        }
    }

    private static Object call(Schema schema, String method, List<SchemaType> argument) {
        try {
            return argument == null
                    ? Schema.class.getMethod(method).invoke(schema)
                    : Schema.class.getMethod(method, List.class).invoke(schema, argument);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("a MicroProfile OpenAPI this class does not know", e);
        }
    }
}
