# Sourced by the deploy scripts (payara-server/deploy.sh, wildfly/deploy.sh): what both do the same way.

# The application's settings: every name that META-INF/microprofile-config.properties of the EJB module gives an entry
# (NAME=value, or "# NAME=" for one without a default), read from that file so that there is no second list to drift.
# QUEUE_PARTITIONS_<TOPIC> (one per topic, any topic) are settings too.
settings_file="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/ejb-queue/src/main/resources/META-INF/microprofile-config.properties"
mapfile -t settings < <(sed -n 's/^#\{0,1\} \{0,1\}\([A-Z][A-Z0-9_]*\)=.*/\1/p' "$settings_file")
[ "${#settings[@]}" -gt 0 ] || { echo "no settings found in $settings_file" >&2; exit 2; }

# Checks the arguments and the environment; sets home, ear and driver.
prepare() {
    local usage="usage: $0 $1 [EAR]  (with TELEMETRY_DB_URL, TELEMETRY_DB_USER, TELEMETRY_DB_PASSWORD set)"
    shift
    if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -d "$1" ]; then
        echo "$usage" >&2
        exit 2
    fi
    : "${TELEMETRY_DB_URL:?is required, e.g. jdbc:postgresql://localhost:5432/telemetry}"
    : "${TELEMETRY_DB_USER:?is required}"
    : "${TELEMETRY_DB_PASSWORD:?is required}"
    command -v curl > /dev/null || { echo "curl is needed to wait for the application" >&2; exit 2; }
    local config
    config="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    home="$(cd "$1" && pwd)"
    ear="${2:-$config/../ear/target/gpu-telemetry.ear}"
    driver="${POSTGRESQL_JAR:-$config/target/runtime/postgresql.jar}"
    [ -f "$ear" ] || { echo "no EAR at $ear: build it with ./mvnw -B package -DskipTests" >&2; exit 2; }
    [ -f "$driver" ] || { echo "no PostgreSQL driver at $driver: build with ./mvnw -B package -DskipTests or set POSTGRESQL_JAR" >&2; exit 2; }
}

# The settings this run sets: the names given a value in the environment, one per line.
given_settings() {
    local name
    for name in "${settings[@]}" $(compgen -e | grep '^QUEUE_PARTITIONS_.' || true); do
        [ -n "${!name:-}" ] && echo "$name"
    done
    return 0
}

# The settings this run removes from the server: the names set to nothing (NAME=). Settings not in the environment
# at all are left as the server has them, so that a run that forgets one (INGEST_TOKEN) does not silently drop it.
cleared_settings() {
    local name
    for name in "${settings[@]}" $(compgen -e | grep '^QUEUE_PARTITIONS_.' || true); do
        [ -n "${!name+set}" ] && [ -z "${!name}" ] && echo "$name"
    done
    return 0
}

# Runs a command (that starts the server) without the settings and the database variables in its environment: the
# server must take them from its own configuration, which the next run of this script can change, and not from the
# environment of whoever started it, which would override that configuration for as long as the process lives.
without_settings() {
    local unset=() name
    for name in "${settings[@]}" $(compgen -e | grep -E '^(QUEUE_PARTITIONS_.|TELEMETRY_DB_)' || true); do
        unset+=(-u "$name")
    done
    env "${unset[@]}" "$@"
}

# Replaces the installed driver when this run brings another one; the server loads it at its next restart.
replace_changed_driver() {
    local installed="$1"
    if ! cmp -s "$driver" "$installed"; then
        cp "$driver" "$installed"
        log "replaced the PostgreSQL driver with $(basename "$driver"): restart the server for it to take effect"
    fi
}

# What this run asks of the server, as one digest: the EAR, the driver, the database settings and every setting given
# or cleared. A run that asks what the last successful one asked changes nothing in the application, so it only starts
# the server and waits for it (after a crash, a redeployment would only cost time).
run_digest() {
    local name
    {
        sha256sum "$ear" "$driver" | cut -d' ' -f1
        printf '%s\n' "$TELEMETRY_DB_URL" "$TELEMETRY_DB_USER" "$TELEMETRY_DB_PASSWORD" "${TELEMETRY_DB_POOL_SIZE:-}"
        for name in $(given_settings); do printf '%s=%s\n' "$name" "${!name}"; done
        for name in $(cleared_settings); do printf '%s cleared\n' "$name"; done
    } | sha256sum | cut -d' ' -f1
}

# Exits when the file $1 holds this run's digest (the last successful run asked for the same) and the application
# answers ready at $2 within a minute; otherwise forgets that run, since this one changes the server.
exit_if_unchanged() {
    if [ -f "$1" ] && [ "$(cat "$1")" = "$(run_digest)" ] && (READY_TIMEOUT_SECONDS=60 await_ready "$2"); then
        log "ready, with the EAR and settings of the last run: nothing to change"
        exit 0
    fi
    rm -f "$1"
}

# Records this run's digest in the file $1, once the application answered ready.
remember_run() {
    (umask 077 && run_digest > "$1")
}

# Waits until the URL answers 200, or fails after READY_TIMEOUT_SECONDS (default 300) showing its last answer, or at
# once when the process PID (if given: the server this run started) has exited.
await_ready() {
    local url="$1" pid="${2:-}" deadline=$((SECONDS + ${READY_TIMEOUT_SECONDS:-300}))
    log "waiting for $url"
    until curl -fsS --max-time 5 "$url" > /dev/null 2>&1; do
        if [ -n "$pid" ] && ! kill -0 "$pid" 2> /dev/null; then
            echo "the server exited before it was ready; see its log" >&2
            exit 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "not ready within ${READY_TIMEOUT_SECONDS:-300}s:" >&2
            curl -sS --max-time 5 "$url" >&2 || true
            exit 1
        fi
        sleep 1
    done
}
