package com.gputelemetry.graphql.boundary;

import com.gputelemetry.graphql.control.GraphQLProblem;
import com.gputelemetry.graphql.entity.GpuConnection;
import com.gputelemetry.graphql.entity.GpuNode;
import com.gputelemetry.graphql.entity.Host;
import com.gputelemetry.graphql.entity.HostConnection;
import com.gputelemetry.graphql.entity.Metric;
import com.gputelemetry.graphql.entity.PageInfo;
import com.gputelemetry.graphql.entity.Queue;
import com.gputelemetry.operations.boundary.QueueResource;
import com.gputelemetry.telemetry.boundary.GpusResource;
import com.gputelemetry.telemetry.boundary.HostsResource;
import com.gputelemetry.telemetry.boundary.Page;
import com.gputelemetry.telemetry.boundary.QueryParameters;
import com.gputelemetry.telemetry.boundary.TelemetryMetricsResource;
import com.gputelemetry.telemetry.control.GpuLookup;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.GpuPosition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;

/** The fleet's root queries, answered by the REST resources: the same statements, checks and answers. */
@GraphQLApi
@ApplicationScoped
public class FleetQueries {

    /** The REST API's paging parameters, as GraphQL's connections name them. */
    static final Map<String, String> PAGING = Map.of("limit", "first", "cursor", "after");

    @Inject
    GpusResource gpus;

    @Inject
    HostsResource hosts;

    @Inject
    TelemetryMetricsResource metrics;

    @Inject
    QueueResource queue;

    @Inject
    GpuLookup lookup;

    @Query("gpus")
    @NonNull
    @Description(
            "The GPUs that have reported telemetry, by hostname then GPU index; filters are exact, case-insensitive")
    public GpuConnection gpus(
            @Name("first") @DefaultValue("100") @Description("At most this many GPUs (1-10000)") int first,
            @Name("after") @Description("The endCursor of the page before") String after,
            @Name("hostname") String hostname,
            @Name("model") String model,
            @Name("namespace") @Description("Only GPUs that served a workload of this Kubernetes namespace")
                    String namespace,
            @Name("pod") @Description("Only GPUs that served this pod") String pod)
            throws GraphQLProblem {
        Page<Gpu> page = GraphQLProblem.answer(
                PAGING, () -> gpus.gpus(hostname, model, namespace, pod, String.valueOf(first), after));
        List<GpuConnection.GpuEdge> edges = page.items().stream()
                .map(gpu -> new GpuConnection.GpuEdge(GpuPosition.of(gpu).toCursor(), new GpuNode(gpu)))
                .toList();
        return new GpuConnection(
                edges,
                PageInfo.of(
                        edges.stream().map(GpuConnection.GpuEdge::cursor).toList(), after, page.nextCursor() != null));
    }

    @Query("gpu")
    @Description("One GPU by its UUID; an error with status 404 in its extensions when it has not reported telemetry")
    public GpuNode gpu(@Name("uuid") @NonNull String uuid) throws GraphQLProblem {
        return new GpuNode(GraphQLProblem.answer(Map.of(), () -> lookup.known(uuid)));
    }

    @Query("hosts")
    @NonNull
    @Description("The hosts whose GPUs have reported telemetry, by name")
    public HostConnection hosts(
            @Name("first") @DefaultValue("1000") @Description("At most this many hosts (1-10000)") int first,
            @Name("after") String after)
            throws GraphQLProblem {
        var page = GraphQLProblem.answer(PAGING, () -> hosts.hosts(String.valueOf(first), after));
        List<HostConnection.HostEdge> edges = page.items().stream()
                .map(host -> new HostConnection.HostEdge(
                        QueryParameters.toHostCursor(host.hostname()), new Host(host.hostname(), host.gpus())))
                .toList();
        return new HostConnection(
                edges,
                PageInfo.of(
                        edges.stream().map(HostConnection.HostEdge::cursor).toList(),
                        after,
                        page.nextCursor() != null));
    }

    @Query("metrics")
    @NonNull
    @Description("The metrics some GPU has reported, by name")
    public List<@NonNull Metric> metrics() {
        return metrics.metrics().items().stream()
                .map(metric -> new Metric(metric.name(), metric.unit()))
                .toList();
    }

    @Query("queue")
    @NonNull
    @Description("The message queue's topics and consumer groups")
    public Queue queue() {
        return new Queue(
                queue.topics().items().stream()
                        .map(topic -> new Queue.Topic(topic.topic(), topic.partitionCount(), topic.records()))
                        .toList(),
                queue.groups().items().stream()
                        .map(group -> new Queue.ConsumerGroup(
                                group.group(),
                                group.topic(),
                                group.lag(),
                                group.deadLetters(),
                                group.workers(),
                                group.delivered(),
                                group.redeliveries()))
                        .toList());
    }
}
