package com.gputelemetry.graphql.control;

import com.gputelemetry.Problem;
import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.GraphQLError;
import graphql.language.SourceLocation;
import jakarta.json.Json;
import jakarta.ws.rs.WebApplicationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A refusal of the REST API (a bad argument, an unknown GPU) as a GraphQL error: the problem's detail as its message and
 * the problem itself (type, title, status, parameter) in its {@code extensions}. Checked, so that SmallRye shows its
 * message rather than hiding it as an unexpected failure.
 */
public class GraphQLProblem extends Exception implements GraphQLError {

    private final transient Problem problem;

    public GraphQLProblem(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    /**
     * Calls a REST resource and translates its refusal, naming the GraphQL argument where the REST API names its query
     * parameter.
     *
     * @param arguments the GraphQL argument of each REST parameter that differs in name
     */
    public static <T> T answer(Map<String, String> arguments, Supplier<T> call) throws GraphQLProblem {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            Problem problem = e.getResponse().getEntity() instanceof Problem given
                    ? given
                    : new Problem(
                            "about:blank",
                            e.getResponse().getStatusInfo().getReasonPhrase(),
                            e.getResponse().getStatus(),
                            e.getMessage(),
                            null);
            throw new GraphQLProblem(new Problem(
                    problem.type(),
                    problem.title(),
                    problem.status(),
                    renamed(problem.detail(), arguments),
                    problem.parameter() == null
                            ? null
                            : arguments.getOrDefault(problem.parameter(), problem.parameter())));
        }
    }

    /** The detail with the REST parameters' names replaced where they stand as words (not the metric's). */
    private static String renamed(String detail, Map<String, String> arguments) {
        String renamed = detail;
        for (Map.Entry<String, String> argument : arguments.entrySet()) {
            if (!argument.getKey().equals("metric")) {
                renamed = renamed.replaceAll("(?<![\\w-])" + argument.getKey() + "(?![\\w-])", argument.getValue());
            }
        }
        return renamed;
    }

    @Override
    public Map<String, Object> getExtensions() {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("type", problem.type());
        extensions.put("title", problem.title());
        extensions.put("status", Json.createValue(problem.status()));
        if (problem.parameter() != null) {
            extensions.put("parameter", problem.parameter());
        }
        return extensions;
    }

    @Override
    public List<SourceLocation> getLocations() {
        return null;
    }

    @Override
    public ErrorClassification getErrorType() {
        return ErrorType.DataFetchingException;
    }
}
