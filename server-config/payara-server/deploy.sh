#!/usr/bin/env bash
# Deploys the EAR to a Payara Server 6 domain on PostgreSQL, and waits until the application answers ready.
#
#   server-config/payara-server/deploy.sh PAYARA_HOME [EAR]
#
# Required environment: TELEMETRY_DB_URL (jdbc:postgresql://host:5432/db), TELEMETRY_DB_USER, TELEMETRY_DB_PASSWORD.
# Optional: TELEMETRY_DB_POOL_SIZE and the application settings of the README's configuration table (INGEST_TOKEN,
# QUEUE_*, COLLECTOR_WORKERS, ...): each one set is stored in the domain as a MicroProfile Config property, each one
# not set is removed from it, so the domain always holds what the last run was given.
# PAYARA_DOMAIN (default domain1) and PAYARA_ADMIN_PORT (default 4848) choose the domain.
# Starts the domain when it is not running. Running it again redeploys; everything else it leaves as it finds it.
set -euo pipefail

usage() { echo "usage: $0 PAYARA_HOME [EAR]  (with TELEMETRY_DB_URL, TELEMETRY_DB_USER, TELEMETRY_DB_PASSWORD set)" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
: "${TELEMETRY_DB_URL:?is required, e.g. jdbc:postgresql://localhost:5432/telemetry}"
: "${TELEMETRY_DB_USER:?is required}"
: "${TELEMETRY_DB_PASSWORD:?is required}"

here="$(cd "$(dirname "$0")" && pwd)"
payara_home="$(cd "$1" && pwd)"
ear="${2:-$here/../../ear/target/gpu-telemetry.ear}"
driver="${POSTGRESQL_JAR:-$here/../target/runtime/postgresql.jar}"
domain="${PAYARA_DOMAIN:-domain1}"
admin_port="${PAYARA_ADMIN_PORT:-4848}"
ready_timeout="${READY_TIMEOUT_SECONDS:-300}"
[ -f "$ear" ] || { echo "no EAR at $ear: build it with ./mvnw -B package -DskipTests" >&2; exit 2; }
[ -f "$driver" ] || { echo "no PostgreSQL driver at $driver: build with ./mvnw -B package -DskipTests or set POSTGRESQL_JAR" >&2; exit 2; }

asadmin() { "$payara_home/bin/asadmin" --port "$admin_port" --interactive=false "$@"; }
log() { echo "[payara-server] $*"; }

# The settings the application reads (server-config/.../microprofile-config.properties documents each one).
settings=(INGEST_TOKEN INGEST_MAX_BATCH_BYTES COLLECTOR_WORKERS QUEUE_PARTITIONS QUEUE_POLL_INTERVAL_MS QUEUE_MAX_LAG
    QUEUE_MAX_ATTEMPTS QUEUE_RETENTION_MINUTES QUEUE_RETENTION_CHECK_SECONDS QUEUE_INSTANCE_ID QUEUE_LEASE_TTL_MS)

if "$payara_home/bin/asadmin" list-domains | grep -q "^$domain running"; then
    log "domain $domain is running"
else
    log "starting domain $domain"
    "$payara_home/bin/asadmin" start-domain "$domain"
fi

# The driver goes into the domain's lib/ (Payara's own way for JDBC drivers); it is picked up without a restart.
if ! asadmin list-libraries | grep -qx "$(basename "$driver")"; then
    log "adding the PostgreSQL driver"
    asadmin add-library "$driver"
fi

if ! asadmin list-jdbc-connection-pools | grep -qx TelemetryPool; then
    log "creating the connection pool"
    asadmin create-jdbc-connection-pool --datasourceclassname=org.postgresql.ds.PGSimpleDataSource \
        --restype=javax.sql.DataSource --steadypoolsize=2 --isconnectvalidatereq=true --validationmethod=meta-data \
        TelemetryPool
fi
# Set one by one: a JDBC URL's colons (or a password's) would break the --property syntax.
pool=resources.jdbc-connection-pool.TelemetryPool
asadmin set "$pool.property.url=$TELEMETRY_DB_URL" "$pool.property.user=$TELEMETRY_DB_USER" \
    "$pool.property.password=$TELEMETRY_DB_PASSWORD" "$pool.max-pool-size=${TELEMETRY_DB_POOL_SIZE:-32}" > /dev/null
if ! asadmin list-jdbc-resources | grep -qx jdbc/telemetry; then
    asadmin create-jdbc-resource --connectionpoolid=TelemetryPool jdbc/telemetry
fi
asadmin ping-connection-pool TelemetryPool

for name in "${settings[@]}"; do
    if [ -n "${!name:-}" ]; then
        asadmin set-config-property --source=domain --propertyName="$name" --propertyValue="${!name}" > /dev/null
    else
        asadmin delete-config-property --source=domain --propertyName="$name" > /dev/null 2>&1 || true
    fi
done

log "deploying $(basename "$ear")"
asadmin deploy --force=true --name=gpu-telemetry "$ear"

http_port="$(asadmin get 'configs.config.server-config.network-config.network-listeners.network-listener.http-listener-1.port' \
    | sed -n 's/.*port=//p')"
log "waiting for http://localhost:$http_port/health/ready"
deadline=$((SECONDS + ready_timeout))
until curl -fsS "http://localhost:$http_port/health/ready" > /dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
        echo "not ready within ${ready_timeout}s:" >&2
        curl -sS "http://localhost:$http_port/health/ready" >&2 || true
        exit 1
    fi
    sleep 1
done
log "ready: http://localhost:$http_port/api/v1/gpus"
