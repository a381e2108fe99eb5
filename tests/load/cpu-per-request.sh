#!/usr/bin/env bash
# CPU per request of an app and its backend under the harness's load: for each APP_PORT:BACKEND_PID, creates 1,000
# sessions (POST /counter), then per round and route runs wrk (2 threads, 32 connections, 2 s warm-up, 8 s measured,
# rotating the cookies) and prints req/s, p99 and the user+system CPU that the app (found by its --port) and the
# backend spent per request, from /proc. Run the apps yourself (e.g. the express anchor with --store redis and with
# --store sessiongrains, each on its own port), side by side on one machine:
#
#   tests/load/cpu-per-request.sh "5101:$(pgrep -x redis-server) 5102:$(pgrep -f 'dotnet .*Silo.dll')" [ROUNDS] [ROUTES]
#
# ROUTES: METHOD:PATH words (default "GET:/counter POST:/counter").
set -euo pipefail
LOAD=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
SPECS=$1 ROUNDS=${2:-2} ROUTES=${3:-"GET:/counter POST:/counter"}
COOKIES=$(mktemp -d)
trap 'rm -rf "$COOKIES"' EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

source "$LOAD/create-cookies.sh"
for spec in $SPECS; do create_cookies "${spec%%:*}" "$COOKIES/${spec%%:*}.txt"; done

hz=$(getconf CLK_TCK)
for ((round = 1; round <= ROUNDS; round++)); do
  for route in $ROUTES; do
    method=${route%%:*} path=${route#*:}
    for spec in $SPECS; do
      port=${spec%%:*} backend=${spec##*:}
      app=$(pgrep -f -- "--port $port( |$)" | head -n 1)
      wrk -t2 -c32 -d2s -s "$LOAD/rotate-cookies.lua" "http://127.0.0.1:$port" -- "$method" "$path" "$COOKIES/$port.txt" >/dev/null
      app0=$(ticks "$app") backend0=$(ticks "$backend")
      out=$(wrk -t2 -c32 -d8s --latency -s "$LOAD/rotate-cookies.lua" "http://127.0.0.1:$port" -- "$method" "$path" "$COOKIES/$port.txt")
      rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out") p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
      awk -v r="$round" -v m="$method" -v p="$port" -v rps="$rps" -v p99="$p99" -v hz="$hz" \
        -v a="$(($(ticks "$app") - app0))" -v b="$(($(ticks "$backend") - backend0))" \
        'BEGIN { n = rps * 8; printf "round %d %-4s port %s: %9.0f req/s  p99 %8s  app %4.0f µs/request  backend %4.0f µs/request\n", r, m, p, rps, p99, a / hz * 1e6 / n, b / hz * 1e6 / n }'
    done
  done
done
