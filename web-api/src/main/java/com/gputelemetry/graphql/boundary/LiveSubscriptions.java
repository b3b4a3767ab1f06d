package com.gputelemetry.graphql.boundary;

import com.gputelemetry.graphql.control.GraphQLProblem;
import com.gputelemetry.graphql.control.LiveSubscription;
import com.gputelemetry.graphql.entity.LiveValue;
import com.gputelemetry.live.control.LiveFeed;
import com.gputelemetry.telemetry.boundary.QueryParameters;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.control.GpuLookup;
import io.smallrye.graphql.api.Subscription;
import io.smallrye.mutiny.Multi;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;

/**
 * New points as they are stored, from the same live feed as the SSE streams. The point is nullable in the schema: a
 * subscription that ends in a problem (dropped as too slow, too many subscribers) sends a last message with no point
 * and the problem as its error, and a non-null field would turn that message into a failure the client never hears.
 */
@GraphQLApi
@ApplicationScoped
public class LiveSubscriptions {

    private static final Map<String, String> METRICS = Map.of("metric", "metrics");

    @Inject
    LiveFeed feed;

    @Inject
    GpuLookup lookup;

    @EJB
    GpuCatalog catalog;

    @Subscription("telemetry")
    @Description("One GPU's new points (of the metrics named, or all) in the order they are stored")
    public Multi<LiveValue> telemetry(@Name("uuid") @NonNull String uuid, @Name("metrics") List<String> metrics)
            throws GraphQLProblem {
        GraphQLProblem.answer(Map.of(), () -> lookup.known(uuid));
        Set<String> wanted = wanted(metrics);
        return LiveSubscription.of(
                feed, point -> point.uuid().equals(uuid) && (wanted.isEmpty() || wanted.contains(point.metric())));
    }

    @Subscription("fleet")
    @Description("Every GPU's new points, or one host's (case-insensitive), of the metrics named or all")
    public Multi<LiveValue> fleet(@Name("hostname") String hostname, @Name("metrics") List<String> metrics)
            throws GraphQLProblem {
        Set<String> wanted = wanted(metrics);
        return LiveSubscription.of(
                feed,
                point -> (hostname == null || point.hostname().equalsIgnoreCase(hostname))
                        && (wanted.isEmpty() || wanted.contains(point.metric())));
    }

    private Set<String> wanted(List<String> metrics) throws GraphQLProblem {
        return Set.copyOf(GraphQLProblem.answer(
                METRICS, () -> QueryParameters.metrics(metrics == null ? List.of() : metrics, catalog::metricNames)));
    }
}
