#!/usr/bin/env bash
# Deploys the EAR to a WildFly 39 server (standalone.xml profile) on PostgreSQL, and waits until it answers ready.
#
#   server-config/wildfly/deploy.sh WILDFLY_HOME [EAR]
#
# Required environment: TELEMETRY_DB_URL (jdbc:postgresql://host:5432/db), TELEMETRY_DB_USER, TELEMETRY_DB_PASSWORD.
# Optional: TELEMETRY_DB_POOL_SIZE and the application settings of the README's configuration table (INGEST_TOKEN,
# QUEUE_*, COLLECTOR_WORKERS, ...): each one set becomes a system property of the server (which MicroProfile Config
# reads), each one not set is removed, so the server always holds what the last run was given.
# WILDFLY_PORT_OFFSET (default 0) shifts every port when this script starts the server (HTTP 8080+offset, management
# 9990+offset). Starts the server when it is not running. Running it again redeploys; the rest it leaves as it finds it.
set -euo pipefail

usage() { echo "usage: $0 WILDFLY_HOME [EAR]  (with TELEMETRY_DB_URL, TELEMETRY_DB_USER, TELEMETRY_DB_PASSWORD set)" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
: "${TELEMETRY_DB_URL:?is required, e.g. jdbc:postgresql://localhost:5432/telemetry}"
: "${TELEMETRY_DB_USER:?is required}"
: "${TELEMETRY_DB_PASSWORD:?is required}"

here="$(cd "$(dirname "$0")" && pwd)"
wildfly_home="$(cd "$1" && pwd)"
ear="${2:-$here/../../ear/target/gpu-telemetry.ear}"
driver="${POSTGRESQL_JAR:-$here/../target/runtime/postgresql.jar}"
offset="${WILDFLY_PORT_OFFSET:-0}"
management="localhost:$((9990 + offset))"
ready_timeout="${READY_TIMEOUT_SECONDS:-300}"
[ -f "$ear" ] || { echo "no EAR at $ear: build it with ./mvnw -B package -DskipTests" >&2; exit 2; }
[ -f "$driver" ] || { echo "no PostgreSQL driver at $driver: build with ./mvnw -B package -DskipTests or set POSTGRESQL_JAR" >&2; exit 2; }

cli() { "$wildfly_home/bin/jboss-cli.sh" --connect --controller="$management" "$@"; }
log() { echo "[wildfly] $*"; }
# A value as a quoted CLI string.
quote() { local v="${1//\\/\\\\}"; printf '"%s"' "${v//\"/\\\"}"; }

settings=(INGEST_TOKEN INGEST_MAX_BATCH_BYTES COLLECTOR_WORKERS QUEUE_PARTITIONS QUEUE_POLL_INTERVAL_MS QUEUE_MAX_LAG
    QUEUE_MAX_ATTEMPTS QUEUE_RETENTION_MINUTES QUEUE_RETENTION_CHECK_SECONDS QUEUE_INSTANCE_ID QUEUE_LEASE_TTL_MS)

if cli --command=':read-attribute(name=server-state)' > /dev/null 2>&1; then
    log "server is running (management $management)"
else
    # The full profile: standalone-microprofile.xml has no EJB subsystem, which the queue needs.
    log "starting the server (log: $wildfly_home/standalone/log/server.log)"
    mkdir -p "$wildfly_home/standalone/log"
    nohup "$wildfly_home/bin/standalone.sh" -c standalone.xml -Djboss.socket.binding.port-offset="$offset" \
        > "$wildfly_home/standalone/log/console.out" 2>&1 < /dev/null &
    server=$!
    deadline=$((SECONDS + ready_timeout))
    # The management interface answers (401 without credentials) once the server has booted.
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$management/management")" != 000 ]; do
        kill -0 "$server" 2> /dev/null || { echo "the server exited; see $wildfly_home/standalone/log" >&2; exit 1; }
        [ $SECONDS -lt $deadline ] || { echo "the server did not start; see $wildfly_home/standalone/log" >&2; exit 1; }
        sleep 1
    done
fi

# The driver as a module, WildFly's own way for JDBC drivers; the datasource names it.
module="$wildfly_home/modules/org/postgresql/main"
if [ ! -f "$module/module.xml" ]; then
    log "adding the PostgreSQL driver module"
    mkdir -p "$module"
    cp "$driver" "$module/postgresql.jar"
    cat > "$module/module.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<module xmlns="urn:jboss:module:1.9" name="org.postgresql">
    <resources>
        <resource-root path="postgresql.jar"/>
    </resources>
    <dependencies>
        <module name="java.se"/>
        <module name="jakarta.transaction.api"/>
    </dependencies>
</module>
XML
fi

commands="$(mktemp)"
trap 'rm -f "$commands"' EXIT
{
    cat <<CLI
if (outcome != success) of /subsystem=datasources/jdbc-driver=postgresql:read-resource
    /subsystem=datasources/jdbc-driver=postgresql:add(driver-name=postgresql, driver-module-name=org.postgresql, driver-class-name=org.postgresql.Driver)
end-if
if (outcome != success) of /subsystem=datasources/data-source=TelemetryDS:read-resource
    /subsystem=datasources/data-source=TelemetryDS:add(jndi-name="java:/jdbc/telemetry", driver-name=postgresql, connection-url=$(quote "$TELEMETRY_DB_URL"), min-pool-size=2, validate-on-match=true, valid-connection-checker-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker, exception-sorter-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter)
end-if
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=connection-url, value=$(quote "$TELEMETRY_DB_URL"))
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=user-name, value=$(quote "$TELEMETRY_DB_USER"))
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=password, value=$(quote "$TELEMETRY_DB_PASSWORD"))
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=max-pool-size, value=${TELEMETRY_DB_POOL_SIZE:-32})
if (outcome != success) of /extension=org.wildfly.extension.microprofile.health-smallrye:read-resource
    /extension=org.wildfly.extension.microprofile.health-smallrye:add
end-if
if (outcome != success) of /subsystem=microprofile-health-smallrye:read-resource
    /subsystem=microprofile-health-smallrye:add
end-if
if (outcome != success) of /extension=org.wildfly.extension.microprofile.openapi-smallrye:read-resource
    /extension=org.wildfly.extension.microprofile.openapi-smallrye:add
end-if
if (outcome != success) of /subsystem=microprofile-openapi-smallrye:read-resource
    /subsystem=microprofile-openapi-smallrye:add
end-if
if (outcome != success) of /extension=org.wildfly.extension.metrics:read-resource
    /extension=org.wildfly.extension.metrics:add
end-if
if (outcome != success) of /subsystem=metrics:read-resource
    /subsystem=metrics:add
end-if
# Kubernetes' probes and Prometheus come without management credentials.
/subsystem=microprofile-health-smallrye:write-attribute(name=security-enabled, value=false)
/subsystem=metrics:write-attribute(name=security-enabled, value=false)
CLI
    for name in "${settings[@]}"; do
        if [ -n "${!name:-}" ]; then
            cat <<CLI
if (outcome == success) of /system-property=$name:read-resource
    /system-property=$name:write-attribute(name=value, value=$(quote "${!name}"))
else
    /system-property=$name:add(value=$(quote "${!name}"))
end-if
CLI
        else
            cat <<CLI
if (outcome == success) of /system-property=$name:read-resource
    /system-property=$name:remove
end-if
CLI
        fi
    done
    cat <<CLI
if (result == "reload-required") of :read-attribute(name=server-state)
    reload
end-if
CLI
} > "$commands"
log "configuring the datasource, MicroProfile Health, OpenAPI, metrics and the settings"
cli --file="$commands" > /dev/null || { cli --file="$commands" >&2 || true; exit 1; }

log "deploying $(basename "$ear")"
cli --command="deploy $(quote "$ear") --name=gpu-telemetry.ear --force"

http_port="$(cli --command='/socket-binding-group=standard-sockets/socket-binding=http:read-attribute(name=bound-port)' \
    | sed -n 's/.*"result" => \([0-9]*\).*/\1/p')"
# WildFly serves health on its management port; its readiness includes the application's own checks.
log "waiting for http://$management/health/ready"
deadline=$((SECONDS + ready_timeout))
until curl -fsS "http://$management/health/ready" > /dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
        echo "not ready within ${ready_timeout}s:" >&2
        curl -sS "http://$management/health/ready" >&2 || true
        exit 1
    fi
    sleep 1
done
log "ready: http://localhost:$http_port/api/v1/gpus"
