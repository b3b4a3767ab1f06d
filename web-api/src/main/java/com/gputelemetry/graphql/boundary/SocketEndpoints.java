package com.gputelemetry.graphql.boundary;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The application's WebSocket endpoints: every annotated one the server found, except SmallRye's GraphQL endpoint,
 * which {@link GraphQLSocket} replaces at the same path.
 */
public class SocketEndpoints implements ServerApplicationConfig {

    private static final String SMALLRYE_SOCKET = "io.smallrye.graphql.servlet.GraphQLServerWebSocket";

    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> endpoints) {
        return Set.of();
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        return scanned.stream()
                .filter(endpoint -> !endpoint.getName().equals(SMALLRYE_SOCKET))
                .collect(Collectors.toSet());
    }
}
