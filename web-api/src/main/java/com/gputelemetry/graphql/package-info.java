/**
 * GraphQL over the same data as the REST API: queries resolved by the REST resources themselves (one query path, the
 * same validation and answers), subscriptions fed by the live feed, over HTTP and the {@code graphql-transport-ws}
 * WebSocket protocol.
 *
 * <p>MicroProfile GraphQL with SmallRye's implementation inside the WAR, since none of our servers ships one. Two
 * pieces of SmallRye are replaced by ours: the WebSocket endpoint (it would acknowledge any {@code connection_init}
 * and block on a slow client), and the instrumentation (limits on depth, cost and aliases, each configurable and
 * refused with a problem in the error's {@code extensions}).
 */
package com.gputelemetry.graphql;
