#!/usr/bin/env bash
# Builds everything, starts the server on embedded H2 at http://localhost:${PORT:-8080} and one streamer looping over
# the bundled DCGM sample. Ctrl+C stops both cleanly: the streamer finishes its batch in flight, then the server stops.
set -euo pipefail
cd "$(dirname "$0")"

PORT="${PORT:-8080}"
./mvnw -B -q package -DskipTests

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
until curl -fs "http://localhost:$PORT/health/ready" > /dev/null 2>&1; do
    kill -0 "$server" 2>/dev/null || { echo "The server exited; see server.log"; exit 1; }
    sleep 1
done
cat <<MSG
Server ready:
  GPUs          http://localhost:$PORT/api/v1/gpus
  Telemetry     http://localhost:$PORT/api/v1/gpus/{uuid}/telemetry
  Dashboard     http://localhost:$PORT/
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
