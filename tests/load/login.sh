#!/usr/bin/env bash
# The cost of a login on the co-hosted demo (memory storage): wrk POSTs /login?user=uN without a cookie, so every
# request creates a session, regenerates it and binds it to one of USERS users (their session indexes, with the
# per-user limit). --tree runs another checkout's demo with the same load, for side-by-side figures.
#   tests/load/login.sh [--tree DIR] [--duration S] [--users N] [--limit N] [--connections N]
set -euo pipefail
LOAD=$(cd "$(dirname "$0")" && pwd)
TREE=$(cd "$LOAD/../.." && pwd)
DURATION=6 USERS=1000 LIMIT=5 CONNECTIONS=32 PORT=5610
while (($#)); do
  case $1 in
    --tree) TREE=$(cd "$2" && pwd); shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
OUT="$LOAD/.out/login-$(git -C "$TREE" rev-parse --short HEAD)"
mkdir -p "$OUT"
dotnet publish "$TREE/src/SessionGrains.Web" -c Release -o "$OUT/web" --nologo -v q >/dev/null

Logging__LogLevel__Default=Warning Session__Secrets__0="login-load-$(date +%s)-0123456789abcdef" \
  SessionGrains__MaxSessionsPerUser="$LIMIT" Cluster__SiloPort=11621 Cluster__PrimarySiloPort=11621 Cluster__GatewayPort=30621 \
  dotnet "$OUT/web/SessionGrains.Web.dll" --urls "http://127.0.0.1:$PORT" >"$OUT/web.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz/ready" || true) == 200 ]] && break
  sleep 0.2
done

wrk -t2 -c"$CONNECTIONS" -d3s -s "$LOAD/login.lua" "http://127.0.0.1:$PORT" -- "$USERS" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LOAD/login.lua" "http://127.0.0.1:$PORT" -- "$USERS" >"$OUT/wrk.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
p50=$(awk '$1 == "50%" {print $2}' "$OUT/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk.txt")
errors=$(awk '/Non-2xx/ {print $5}' "$OUT/wrk.txt")
echo "login $(git -C "$TREE" rev-parse --short HEAD): $rps req/s, p50 $p50, p99 $p99, non-2xx ${errors:-0} (users $USERS, limit $LIMIT)"
