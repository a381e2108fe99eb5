#!/usr/bin/env bash
# Throughput right after a fresh start, as run.sh starts each system: starts the express anchor with STORE (redis, or
# sessiongrains with a fresh silo host from run.sh's last publish in .out/bin/silo), creates 1,000 sessions, then runs
# wrk (2 threads, 32 connections, rotating the cookies) for WINDOWS windows of 5 s and prints req/s of each window.
# run.sh measures a route from about 9 s after its sessions are created (8 s of warm-up).
#
#   tests/load/run.sh --systems 17 --quick        # once: publishes the silo host, installs the anchor's packages
#   redis-server --port 6390 --save "" --appendonly no --daemonize yes
#   tests/load/fresh-start.sh redis 6 GET; tests/load/fresh-start.sh sessiongrains 6 GET
set -euo pipefail
LOAD=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
STORE=$1 WINDOWS=${2:-6} METHOD=${3:-GET}
PORT=${PORT:-5180} API_PORT=${API_PORT:-5480} SILO_PORT=${SILO_PORT:-11180} GATEWAY_PORT=${GATEWAY_PORT:-30080}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6390} TOKEN=fresh-start-token-0123456789abcdef0123456789
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

wait_for() { for _ in $(seq 1 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.05; done; echo "no answer from $1" >&2; return 1; }

if [[ $STORE == sessiongrains ]]; then
  Logging__LogLevel__Default=Warning Cluster__SiloPort=$SILO_PORT Cluster__PrimarySiloPort=$SILO_PORT \
    Cluster__GatewayPort=$GATEWAY_PORT SessionStoreApi__Tokens__0=$TOKEN \
    dotnet "$LOAD/.out/bin/silo/SessionGrains.Silo.dll" --urls "http://127.0.0.1:$API_PORT" >"$WORK/silo.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$API_PORT/healthz/ready"
fi
SESSIONGRAINS_TOKEN=$TOKEN node "$LOAD/anchors/express/server.js" --store "$STORE" --redis-url "$REDIS_URL" \
  --api-url "http://127.0.0.1:$API_PORT" --port "$PORT" >"$WORK/express.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/ping"
source "$LOAD/create-cookies.sh"
create_cookies "$PORT" "$WORK/cookies.txt"
line=""
for ((i = 0; i < WINDOWS; i++)); do
  line+=" $(wrk -t2 -c32 -d5s -s "$LOAD/rotate-cookies.lua" "http://127.0.0.1:$PORT" -- "$METHOD" /counter "$WORK/cookies.txt" \
    | awk '/Requests\/sec/ { printf "%.0f", $2 }')"
done
echo "$STORE $METHOD, req/s per 5 s window:$line"
