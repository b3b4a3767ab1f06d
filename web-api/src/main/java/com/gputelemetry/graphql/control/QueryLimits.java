package com.gputelemetry.graphql.control;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.analysis.FieldComplexityCalculator;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.language.Field;
import graphql.language.Node;
import graphql.language.OperationDefinition;
import io.smallrye.graphql.spi.EventingService;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The limits every query passes before it runs, each refused with a {@link LimitExceeded}: depth
 * ({@code GRAPHQL_MAX_DEPTH}), cost ({@code GRAPHQL_MAX_COST}: a field costs one, and a connection's fields count once
 * per item its {@code first} asks for) and aliases ({@code GRAPHQL_MAX_ALIASES}, which would otherwise repeat a cheap
 * field's database work at will); and a subscription only over the WebSocket.
 *
 * <p>Installed through SmallRye's eventing hook, found by the service loader. It replaces SmallRye's own chain, whose
 * depth and complexity limits count every field as one whatever its page size; what that chain also held is SmallRye's
 * cache of parsed queries, so every query is parsed and validated again (about a millisecond for a dashboard's).
 */
public class QueryLimits implements EventingService {

    /** The key, in an operation's context, that marks it as sent over the WebSocket. */
    public static final String WEBSOCKET = "gputelemetry.websocket";

    @Override
    public String getConfigKey() {
        return null; // always on
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        Config config = ConfigProvider.getConfig();
        int depth = config.getValue("GRAPHQL_MAX_DEPTH", Integer.class);
        int cost = config.getValue("GRAPHQL_MAX_COST", Integer.class);
        int aliases = config.getValue("GRAPHQL_MAX_ALIASES", Integer.class);
        return builder.instrumentation(new ChainedInstrumentation(List.of(
                new DepthLimit(depth), new CostLimit(cost), new AliasLimit(aliases), new SubscriptionsBySocket())));
    }

    private static final class DepthLimit extends MaxQueryDepthInstrumentation {

        DepthLimit(int max) {
            super(max);
        }

        @Override
        protected AbortExecutionException mkAbortException(int depth, int max) {
            return new LimitExceeded(
                    "the query is " + depth + " fields deep, more than GRAPHQL_MAX_DEPTH (" + max + ")",
                    "GRAPHQL_MAX_DEPTH");
        }
    }

    private static final class CostLimit extends MaxQueryComplexityInstrumentation {

        /** A field costs one; under a connection (a field with {@code first}), what it selects counts per item. */
        private static final FieldComplexityCalculator PER_ITEM = (field, children) -> {
            Object first = field.getArguments().get("first");
            long items = first instanceof Number number ? Math.max(1, number.longValue()) : 1;
            return (int) Math.min(Integer.MAX_VALUE, 1 + items * children);
        };

        CostLimit(int max) {
            super(max, PER_ITEM);
        }

        @Override
        protected AbortExecutionException mkAbortException(int cost, int max) {
            return new LimitExceeded(
                    "the query costs " + cost + ", more than GRAPHQL_MAX_COST (" + max
                            + "): each field counts once per item a connection's 'first' asks for; ask for fewer",
                    "GRAPHQL_MAX_COST");
        }
    }

    /**
     * A subscription over HTTP would answer with SmallRye's publisher object as its data: it needs the WebSocket, whose
     * operations carry {@link #WEBSOCKET} in their context.
     */
    private static final class SubscriptionsBySocket extends SimplePerformantInstrumentation {

        @Override
        public InstrumentationContext<ExecutionResult> beginExecuteOperation(
                InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
            ExecutionContext execution = parameters.getExecutionContext();
            if (execution.getOperationDefinition().getOperation() == OperationDefinition.Operation.SUBSCRIPTION
                    && !Boolean.TRUE.equals(execution.getGraphQLContext().get(WEBSOCKET))) {
                throw new LimitExceeded(
                        "a subscription runs over the WebSocket at /graphql (graphql-transport-ws), not over HTTP",
                        null);
            }
            return super.beginExecuteOperation(parameters, state);
        }
    }

    private static final class AliasLimit extends SimplePerformantInstrumentation {

        private final int max;

        AliasLimit(int max) {
            this.max = max;
        }

        @Override
        public InstrumentationContext<ExecutionResult> beginExecuteOperation(
                InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
            int aliases = aliases(parameters.getExecutionContext().getDocument());
            if (aliases > max) {
                throw new LimitExceeded(
                        "the query has " + aliases + " aliases, more than GRAPHQL_MAX_ALIASES (" + max + ")",
                        "GRAPHQL_MAX_ALIASES");
            }
            return super.beginExecuteOperation(parameters, state);
        }

        private static int aliases(Node<?> node) {
            int count = node instanceof Field field && field.getAlias() != null ? 1 : 0;
            for (Node<?> child : node.getChildren()) {
                count += aliases(child);
            }
            return count;
        }
    }
}
