package com.gputelemetry.graphql.boundary;

import com.gputelemetry.graphql.control.GraphQLProblem;
import com.gputelemetry.graphql.entity.GpuNode;
import com.gputelemetry.graphql.entity.Label;
import com.gputelemetry.graphql.entity.PageInfo;
import com.gputelemetry.graphql.entity.PointConnection;
import com.gputelemetry.telemetry.boundary.GpuDetail.LatestValue;
import com.gputelemetry.telemetry.boundary.GpusResource;
import com.gputelemetry.telemetry.boundary.QueryParameters;
import com.gputelemetry.telemetry.boundary.Series;
import com.gputelemetry.telemetry.boundary.SeriesSummary.Bucket;
import com.gputelemetry.telemetry.boundary.SeriesSummaryResource;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Source;

/** A GPU's fields that read telemetry, through the same resources and catalog as the REST API. */
@GraphQLApi
@ApplicationScoped
public class GpuFields {

    /** The REST API's parameters of a series, as the GraphQL arguments name them. */
    private static final Map<String, String> SERIES =
            Map.of("limit", "first", "cursor", "after", "start_time", "from", "end_time", "to", "metric", "metrics");

    @EJB
    GpuCatalog catalog;

    @Inject
    GpusResource gpus;

    @Inject
    SeriesSummaryResource summaries;

    /**
     * Batched: the newest values of every GPU a query selects are read together, so a page of GPUs with their latest
     * values costs the same few statements however many GPUs it holds.
     */
    @Name("latest")
    @NonNull
    @Description("The newest point of each metric (of those named, or of every metric), by metric name")
    public List<@NonNull List<@NonNull LatestValue>> latest(
            @Source List<GpuNode> nodes, @Name("metrics") List<String> metrics) throws GraphQLProblem {
        List<String> named = GraphQLProblem.answer(
                SERIES, () -> QueryParameters.metrics(metrics == null ? List.of() : metrics, catalog::metricNames));
        List<String> asked = named.isEmpty() ? List.copyOf(catalog.metricNames()) : named;
        List<Gpu> selected = nodes.stream().map(GpuNode::gpu).toList();
        Map<String, Map<String, TelemetryPoint>> newest = catalog.latest(selected, asked);
        return selected.stream()
                .map(gpu -> LatestValue.of(asked, newest.getOrDefault(gpu.getUuid(), Map.of())))
                .toList();
    }

    /** Batched: the labels of every GPU a query selects are read in one statement (a listing leaves them out). */
    @Name("labels")
    @NonNull
    @Description("The exporter's other labels, by name")
    public List<@NonNull List<@NonNull Label>> labels(@Source List<GpuNode> nodes) {
        Map<String, Gpu> whole = whole(nodes);
        return nodes.stream()
                .map(node -> GpusResource.labels(whole.get(node.getUuid())).entrySet().stream()
                        .map(label -> new Label(label.getKey(), label.getValue()))
                        .toList())
                .toList();
    }

    @Name("driverVersion")
    public List<String> driverVersion(@Source List<GpuNode> nodes) {
        Map<String, Gpu> whole = whole(nodes);
        return nodes.stream()
                .map(node -> GpusResource.driverVersion(whole.get(node.getUuid())))
                .toList();
    }

    private Map<String, Gpu> whole(List<GpuNode> nodes) {
        return catalog.gpus(nodes.stream().map(GpuNode::getUuid).toList()).stream()
                .collect(Collectors.toMap(Gpu::getUuid, gpu -> gpu));
    }

    @Name("telemetry")
    @NonNull
    @Description("The GPU's points oldest first, a page at a time; both bounds inclusive (RFC 3339)")
    public PointConnection telemetry(
            @Source GpuNode gpu,
            @Name("from") String from,
            @Name("to") String to,
            @Name("metrics") List<String> metrics,
            @Name("first") @DefaultValue("1000") @Description("At most this many points (1-10000)") int first,
            @Name("after") @Description("The endCursor of the page before") String after)
            throws GraphQLProblem {
        Series page = GraphQLProblem.answer(
                SERIES,
                () -> gpus.page(
                        gpu.getUuid(),
                        from,
                        to,
                        metrics == null ? List.of() : metrics,
                        "asc",
                        String.valueOf(first),
                        after));
        List<PointConnection.PointEdge> edges = page.items().stream()
                .map(point -> new PointConnection.PointEdge(
                        point.position(false).toCursor(),
                        new PointConnection.Point(point.getTimestamp(), point.getMetric(), point.getValue())))
                .toList();
        return new PointConnection(
                edges,
                PageInfo.of(
                        edges.stream().map(PointConnection.PointEdge::cursor).toList(),
                        after,
                        page.nextCursor() != null));
    }

    @Name("summary")
    @NonNull
    @Description("Min, max, average and count of one metric per bucket of 'step' (s, m, h or d), buckets without "
            + "points left out; default window: the hour before 'to' (default now)")
    public List<@NonNull Bucket> summary(
            @Source GpuNode gpu,
            @Name("metric") @NonNull String metric,
            @Name("step") @DefaultValue("1m") String step,
            @Name("from") String from,
            @Name("to") String to)
            throws GraphQLProblem {
        return GraphQLProblem.answer(SERIES, () -> summaries.summary(gpu.getUuid(), List.of(metric), from, to, step))
                .items();
    }
}
