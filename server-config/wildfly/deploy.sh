#!/usr/bin/env bash
# Deploys the EAR to a WildFly 39 server (standalone.xml profile) on PostgreSQL, and waits until it answers ready.
#
#   server-config/wildfly/deploy.sh WILDFLY_HOME [EAR]
#
# Required environment: TELEMETRY_DB_URL (jdbc:postgresql://host:5432/db), TELEMETRY_DB_USER, TELEMETRY_DB_PASSWORD.
# Optional: TELEMETRY_DB_POOL_SIZE and the application settings of the README's configuration table (INGEST_TOKEN,
# QUEUE_*, COLLECTOR_WORKERS, ...): each one given a value becomes a system property of the server (which
# MicroProfile Config reads), each one given as empty (NAME=) is removed, the others stay as they are; the server keeps
# them across restarts, and is started without them in its environment, so that its own configuration counts.
# WILDFLY_PORT_OFFSET (default 0) shifts every port when this script starts the server (HTTP 8080+offset, management
# 9990+offset). Starts the server when it is not running. Running it again redeploys, unless the EAR and the environment
# are those of the last run and the application answers ready (after a crash, say); the rest it leaves as it finds it.
set -euo pipefail
source "$(dirname "$0")/../deploy-functions.sh"
log() { echo "[wildfly ${SECONDS}s] $*"; }
prepare WILDFLY_HOME "$@"

offset="${WILDFLY_PORT_OFFSET:-0}"
management="localhost:$((9990 + offset))"
# 30 s to connect, not the CLI's 5: a busy server's management interface can take longer to answer, and the run fails.
cli() { "$home/bin/jboss-cli.sh" --connect --controller="$management" --timeout=30000 "$@"; }
# A value as a quoted CLI string.
quote() { local v="${1//\\/\\\\}"; printf '"%s"' "${v//\"/\\\"}"; }

if cli --command=':read-attribute(name=server-state)' > /dev/null 2>&1; then
    log "server is running (management $management)"
else
    # The full profile: standalone-microprofile.xml has no EJB subsystem, which the queue needs.
    log "starting the server (log: $home/standalone/log/server.log)"
    mkdir -p "$home/standalone/log"
    without_settings nohup "$home/bin/standalone.sh" -c standalone.xml -Djboss.socket.binding.port-offset="$offset" \
        > "$home/standalone/log/console.out" 2>&1 < /dev/null &
    server=$!
    deadline=$((SECONDS + ${READY_TIMEOUT_SECONDS:-300}))
    # The management interface answers (401 without credentials) once the server has booted.
    until [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://$management/management")" != 000 ]; do
        kill -0 "$server" 2> /dev/null || { echo "the server exited; see $home/standalone/log" >&2; exit 1; }
        [ $SECONDS -lt $deadline ] || { echo "the server did not start; see $home/standalone/log" >&2; exit 1; }
        sleep 1
    done
    # It refuses configuration changes until its boot (deployments included) is over.
    until cli --command=':read-attribute(name=server-state)' 2> /dev/null | grep -q '"running"'; do
        [ $SECONDS -lt $deadline ] || { echo "the server did not finish booting; see $home/standalone/log" >&2; exit 1; }
        sleep 1
    done
fi

last_run="$home/standalone/data/gpu-telemetry.last-run"
ready="http://$management/health/ready"
exit_if_unchanged "$last_run" "$ready"

# The driver as a module, WildFly's own way for JDBC drivers; the datasource names it.
module="$home/modules/org/postgresql/main"
if [ -f "$module/module.xml" ]; then
    replace_changed_driver "$module/postgresql.jar"
else
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
    cat "$(dirname "$0")/configure.cli"
    cat <<CLI
if (outcome != success) of /subsystem=datasources/data-source=TelemetryDS:read-resource
    /subsystem=datasources/data-source=TelemetryDS:add(jndi-name="java:/jdbc/telemetry", driver-name=postgresql, connection-url=$(quote "$TELEMETRY_DB_URL"), min-pool-size=2, validate-on-match=true, valid-connection-checker-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker, exception-sorter-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter)
end-if
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=connection-url, value=$(quote "$TELEMETRY_DB_URL"))
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=user-name, value=$(quote "$TELEMETRY_DB_USER"))
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=password, value=$(quote "$TELEMETRY_DB_PASSWORD"))
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=max-pool-size, value=${TELEMETRY_DB_POOL_SIZE:-32})
/subsystem=datasources/data-source=TelemetryDS:write-attribute(name=blocking-timeout-wait-millis, value=5000)
if (outcome != success) of /subsystem=datasources/data-source=TelemetryDS/connection-properties=reWriteBatchedInserts:read-resource
    /subsystem=datasources/data-source=TelemetryDS/connection-properties=reWriteBatchedInserts:add(value=true)
end-if
CLI
    for name in $(given_settings); do
        cat <<CLI
if (outcome == success) of /system-property=$name:read-resource
    /system-property=$name:write-attribute(name=value, value=$(quote "${!name}"))
else
    /system-property=$name:add(value=$(quote "${!name}"))
end-if
CLI
    done
    for name in $(cleared_settings); do
        cat <<CLI
if (outcome == success) of /system-property=$name:read-resource
    /system-property=$name:remove
end-if
CLI
    done
    cat <<CLI
if (result == "reload-required") of :read-attribute(name=server-state)
    reload
end-if
CLI
} > "$commands"
log "configuring the datasource, MicroProfile Health, OpenAPI, metrics and the settings"
given="$(given_settings | tr '\n' ' ')"
cleared="$(cleared_settings | tr '\n' ' ')"
[ -z "$given" ] || log "setting $given"
[ -z "$cleared" ] || log "removing $cleared"
if ! output="$(cli --file="$commands" 2>&1)"; then
    echo "$output" >&2
    exit 1
fi

log "deploying $(basename "$ear")"
cli --command="deploy $(quote "$ear") --name=gpu-telemetry.ear --force"

http_port="$(cli --command='/socket-binding-group=standard-sockets/socket-binding=http:read-attribute(name=bound-port)' \
    | sed -n 's/.*"result" => \([0-9]*\).*/\1/p')"
# WildFly serves health on its management port; its readiness includes the application's own checks.
await_ready "$ready"
remember_run "$last_run"
log "ready: http://localhost:$http_port/api/v1/gpus"
