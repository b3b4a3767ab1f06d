/**
 * Who may do what: three roles, each with its own bearer tokens from the configuration. Ingest ({@code
 * INGEST_TOKEN}) sends telemetry; admin ({@code ADMIN_TOKEN}) changes the queue (workers, replays) and reads dead
 * letters' payloads, and may read everything else; read ({@code READ_TOKEN}, optional) reads the GPU API, the queue's
 * figures and the live streams. Health probes, {@code /metrics}, the OpenAPI document and the dashboard's static files
 * stay open for the cluster and the browser.
 *
 * <p>A servlet filter rather than Jakarta Security: it sees every request under {@code /api} before JAX-RS and the
 * WebSocket handshake alike, works the same on Payara Micro, Payara Server and WildFly without any server
 * configuration (no realm, no identity store to set up per server), and answers in our problem format.
 */
package com.gputelemetry.access;
