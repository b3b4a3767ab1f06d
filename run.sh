#!/usr/bin/env bash
# Builds everything, starts the server on embedded H2 at http://localhost:${PORT:-8080} and one streamer looping over
# the bundled DCGM sample. Ctrl+C stops both cleanly: the streamer finishes its batch in flight, then the server stops.
#
#   ./run.sh              build, then run
#   ./run.sh --no-build   run what the last build made
#
# The server's database is TELEMETRY_DB_URL (by default H2 files in ./data/), its log server.log; the streamer keeps
# its state in STATE_DIR (by default ~/.gpu-telemetry-streamer).
set -euo pipefail
cd "$(dirname "$0")"
source server-config/deploy-functions.sh
log() { echo "$*"; }

PORT="${PORT:-8080}"
case "${1:-}" in
    --no-build) ;;
    "")
        echo "Building (log: build.log)..."
        ./mvnw -B package -Dmaven.test.skip=true > build.log 2>&1 || { tail -40 build.log; echo "The build failed; see build.log"; exit 1; }
        ;;
    *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
esac

# Started in the background by a script, both ignore the terminal's Ctrl+C (SIGINT): it reaches this script alone,
# which stops them in order.
java -jar server-config/target/gpu-telemetry-server.jar --port "$PORT" > server.log 2>&1 &
server=$!
streamer=
stop() {
    trap - INT TERM
    echo "Stopping..."
    [ -n "$streamer" ] && kill -TERM "$streamer" 2>/dev/null && wait "$streamer" || true
    kill -TERM "$server" 2>/dev/null && wait "$server" || true
    exit 0
}
trap stop INT TERM

echo "Starting the server (log: server.log)..."
await_ready "http://localhost:$PORT/health/ready" "$server" > /dev/null
cat <<MSG
Server ready:
  Dashboard     http://localhost:$PORT/
  GPUs          http://localhost:$PORT/api/v1/gpus
  Telemetry     http://localhost:$PORT/api/v1/gpus/{uuid}/telemetry
  Swagger UI    http://localhost:$PORT/swagger-ui/
  OpenAPI       http://localhost:$PORT/openapi
  Health        http://localhost:$PORT/health
Streaming the bundled sample in a loop; Ctrl+C stops everything.
MSG

java -jar streamer-client/target/streamer-client.jar --url "http://localhost:$PORT" --instance-id "local-1" --loop &
streamer=$!
wait "$streamer" || true
streamer=
stop
