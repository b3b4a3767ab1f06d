package com.gputelemetry.graphql.control;

import io.smallrye.graphql.api.Context;
import io.smallrye.graphql.spi.EventingService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs a field that failed unexpectedly, with its cause: the client sees only "System error", the operator needs the
 * rest. A refusal ({@link GraphQLProblem}) is the client's to read and is not logged.
 */
public class UnexpectedFailures implements EventingService {

    private static final Logger LOG = Logger.getLogger(UnexpectedFailures.class.getName());

    @Override
    public String getConfigKey() {
        return null; // always on
    }

    @Override
    public void errorDataFetch(Context context, Throwable failure) {
        if (!(failure instanceof GraphQLProblem)) {
            LOG.log(Level.WARNING, "GraphQL field " + context.getPath() + " failed", failure);
        }
    }
}
