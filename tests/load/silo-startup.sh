#!/usr/bin/env bash
# Startup of published silo hosts: for each DIR (a `dotnet publish` of src/SessionGrains.Silo), one after another per
# round, starts `dotnet DIR/SessionGrains.Silo.dll` (memory storage, quiet logs) on 127.0.0.1, and prints the seconds
# until /healthz/ready answers and the CPU seconds the process had used by then. Compare a ReadyToRun publish (the
# project's default) with a JIT-only one side by side:
#
#   dotnet publish src/SessionGrains.Silo -c Release -o /tmp/silo-r2r
#   dotnet publish src/SessionGrains.Silo -c Release -p:PublishReadyToRun=false -o /tmp/silo-jit
#   tests/load/silo-startup.sh "/tmp/silo-r2r /tmp/silo-jit" 3
set -euo pipefail
DIRS=$1 ROUNDS=${2:-3} HTTP_PORT=${HTTP_PORT:-5490} SILO_PORT=${SILO_PORT:-11190} GATEWAY_PORT=${GATEWAY_PORT:-30090}
hz=$(getconf CLK_TCK)
for ((round = 1; round <= ROUNDS; round++)); do
  for dir in $DIRS; do
    start=$(date +%s%N)
    Logging__LogLevel__Default=Warning Cluster__SiloPort=$SILO_PORT Cluster__PrimarySiloPort=$SILO_PORT \
      Cluster__GatewayPort=$GATEWAY_PORT dotnet "$dir/SessionGrains.Silo.dll" --urls "http://127.0.0.1:$HTTP_PORT" >/dev/null 2>&1 &
    pid=$!
    ready=""
    for _ in $(seq 1 600); do
      if curl -sf "http://127.0.0.1:$HTTP_PORT/healthz/ready" >/dev/null; then ready=$(date +%s%N); break; fi
      sleep 0.05
    done
    cpu=$(awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat")
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    if [[ -z $ready ]]; then echo "round $round $dir: not ready within 30 s"; continue; fi
    awk -v r="$round" -v d="$dir" -v ms="$(((ready - start) / 1000000))" -v cpu="$cpu" \
      'BEGIN { printf "round %d %s: ready in %.2f s, %s s of CPU\n", r, d, ms / 1000, cpu }'
  done
done
