#!/usr/bin/env bash
# Deploys the EAR to a Payara Server 6 domain on PostgreSQL, and waits until the application answers ready.
#
#   server-config/payara-server/deploy.sh PAYARA_HOME [EAR]
#
# Required environment: TELEMETRY_DB_URL (jdbc:postgresql://host:5432/db), TELEMETRY_DB_USER, TELEMETRY_DB_PASSWORD.
# Optional: TELEMETRY_DB_POOL_SIZE and the application settings of the README's configuration table (INGEST_TOKEN,
# QUEUE_*, COLLECTOR_WORKERS, ...): each one given a value is stored in the domain as a MicroProfile Config property,
# each one given as empty (NAME=) is removed from it, the others stay as they are; the domain keeps them across
# restarts, and the server is started without them in its environment, so that its own configuration counts.
# PAYARA_DOMAIN (default domain1) and PAYARA_ADMIN_PORT (default 4848) choose the domain.
# Starts the domain when it is not running. Running it again redeploys, unless the EAR and the environment are those of
# the last run and the application answers ready (after a crash, say); everything else it leaves as it finds it.
set -euo pipefail
source "$(dirname "$0")/../deploy-functions.sh"
log() { echo "[payara-server ${SECONDS}s] $*"; }
prepare PAYARA_HOME "$@"

domain="${PAYARA_DOMAIN:-domain1}"
asadmin() { "$home/bin/asadmin" --port "${PAYARA_ADMIN_PORT:-4848}" --interactive=false "$@"; }

http_port() {
    asadmin get 'configs.config.server-config.network-config.network-listeners.network-listener.http-listener-1.port' \
        | sed -n 's/.*port=//p'
}

# Payara goes on starting the applications deployed on it after start-domain has returned; configuring the domain or
# deploying meanwhile was seen to leave the application broken until the next restart. So after a start, let a
# deployed application come up (or give up on it after two minutes) before anything else.
start_domain() {
    without_settings "$home/bin/asadmin" "$@" "$domain"
    if asadmin list-applications | grep -q '^gpu-telemetry '; then
        log "letting the deployed application start"
        (READY_TIMEOUT_SECONDS=120 await_ready "http://localhost:$(http_port)/health/ready") \
            || log "the deployed application did not start; deploying it anew"
    fi
}

if "$home/bin/asadmin" list-domains | grep -q "^$domain running"; then
    log "domain $domain is running"
else
    log "starting domain $domain"
    start_domain start-domain
fi

last_run="$home/glassfish/domains/$domain/gpu-telemetry.last-run"
ready="http://localhost:$(http_port)/health/ready"
exit_if_unchanged "$last_run" "$ready"

# The driver goes into the domain's lib/ (Payara's own way for JDBC drivers); it is picked up without a restart.
if asadmin list-libraries | grep -qx "$(basename "$driver")"; then
    replace_changed_driver "$home/glassfish/domains/$domain/lib/$(basename "$driver")"
else
    log "adding the PostgreSQL driver"
    asadmin add-library "$driver"
fi

if ! asadmin list-jdbc-connection-pools | grep -qx TelemetryPool; then
    log "creating the connection pool"
    asadmin create-jdbc-connection-pool --datasourceclassname=org.postgresql.ds.PGSimpleDataSource \
        --restype=javax.sql.DataSource --steadypoolsize=2 --isconnectvalidatereq=true --validationmethod=meta-data \
        TelemetryPool
fi
# Set one by one: a JDBC URL's colons (or a password's) would break the --property syntax. The driver sends the
# collectors' batched inserts as multi-row INSERTs. While the database is away a request waits at most 5 s for a
# connection, then answers 503.
pool=resources.jdbc-connection-pool.TelemetryPool
asadmin set "$pool.property.url=$TELEMETRY_DB_URL" "$pool.property.user=$TELEMETRY_DB_USER" \
    "$pool.property.password=$TELEMETRY_DB_PASSWORD" "$pool.max-pool-size=${TELEMETRY_DB_POOL_SIZE:-32}" \
    "$pool.property.reWriteBatchedInserts=true" "$pool.max-wait-time-in-millis=5000" > /dev/null
if ! asadmin list-jdbc-resources | grep -qx jdbc/telemetry; then
    asadmin create-jdbc-resource --connectionpoolid=TelemetryPool jdbc/telemetry
fi
asadmin ping-connection-pool TelemetryPool

for name in $(given_settings); do
    log "setting $name"
    asadmin set-config-property --source=domain --propertyName="$name" --propertyValue="${!name}" > /dev/null
done
for name in $(cleared_settings); do
    log "removing $name"
    asadmin delete-config-property --source=domain --propertyName="$name" > /dev/null 2>&1 || true
done

log "deploying $(basename "$ear")"
if ! asadmin deploy --force=true --name=gpu-telemetry "$ear"; then
    # A deployment over an application that failed to start can fail in turn; a fresh server process does not.
    log "the deployment failed; restarting the domain and deploying once more"
    start_domain restart-domain
    asadmin deploy --force=true --name=gpu-telemetry "$ear"
fi

await_ready "$ready"
remember_run "$last_run"
log "ready: http://localhost:$(http_port)/api/v1/gpus"
