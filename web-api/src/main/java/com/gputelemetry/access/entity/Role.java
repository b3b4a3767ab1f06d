package com.gputelemetry.access.entity;

/** A kind of access, and the setting that holds its tokens (several, comma-separated, for rotation). */
public enum Role {
    INGEST("INGEST_TOKEN"),
    ADMIN("ADMIN_TOKEN"),
    READ("READ_TOKEN");

    private final String setting;

    Role(String setting) {
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }

    /**
     * What a request needs, from its method and its path below the context root (decoded). Every change is admin's
     * except sending telemetry (CSV, or Prometheus' remote write); of the reads, only a dead letter's payload is. Under
     * {@code /prometheus} everything else reads, also by POST, as Prometheus' query API does; so does GraphQL, which has
     * only queries and subscriptions here.
     */
    public static Role requiredFor(String method, String path) {
        String normalised = normalise(path);
        if (normalised.equals("/api/v1/ingest")
                || normalised.startsWith("/api/v1/ingest/")
                || normalised.matches("/prometheus/api/v1/write/?")) {
            return INGEST;
        }
        if (normalised.startsWith("/prometheus/") || isGraphQL(normalised)) {
            return READ;
        }
        boolean reading = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (!reading || normalised.matches("/api/v1/queue/dead-letters/[^/]+/?")) {
            return ADMIN;
        }
        return READ;
    }

    /** Whether the path is GraphQL's: the endpoint, its WebSocket and its schema. */
    public static boolean isGraphQL(String path) {
        String normalised = normalise(path);
        return normalised.equals("/graphql") || normalised.startsWith("/graphql/");
    }

    /** Whether the path needs no token at all: the application's metrics, open to scrapers like the health probes. */
    public static boolean isOpen(String path) {
        return normalise(path).matches("/prometheus/metrics/?");
    }

    /** Without path parameters ({@code ;name=value}) and repeated slashes, which JAX-RS ignores when it matches. */
    private static String normalise(String path) {
        return path.replaceAll(";[^/]*", "").replaceAll("/{2,}", "/");
    }
}
