#!/usr/bin/env bash
# Garbage collection under the harness's load, for .NET apps side by side: for each APP_PORT:PID, creates 1,000
# sessions (POST /counter), then per round and route runs wrk (2 threads, 32 connections, 2 s warm-up, 8 s measured,
# rotating the cookies) while dotnet-counters samples the process every second, and prints req/s, GC pause time per
# second, bytes allocated per request, collections per second by generation and the working set. Run the apps yourself
# (e.g. the ASP.NET Session anchor and the co-hosted demo, as run.sh starts systems 2 and 15):
#
#   tests/load/gc-per-request.sh "5202:$(pgrep -f 'AspNetSession.dll') 5215:$(pgrep -f 'SessionGrains.Web.dll')" [ROUNDS] [ROUTES]
#
# ROUTES: METHOD:PATH words (default "POST:/counter"). Needs dotnet-counters (dotnet tool install -g dotnet-counters).
set -euo pipefail
LOAD=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
SPECS=$1 ROUNDS=${2:-3} ROUTES=${3:-"POST:/counter"}
COUNTERS=$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

source "$LOAD/create-cookies.sh"
for spec in $SPECS; do create_cookies "${spec%%:*}" "$WORK/${spec%%:*}.txt"; done

# The mean of a counter's per-second values, the first and last second left out (wrk starts and ends within them).
mean() { grep -F "$2" "$1" | awk -F, '{ v[n++] = $NF } END { s = 0; for (i = 1; i < n - 1; i++) s += v[i]; print (n > 2 ? s / (n - 2) : 0) }'; }

for ((round = 1; round <= ROUNDS; round++)); do
  for route in $ROUTES; do
    method=${route%%:*} path=${route#*:}
    for spec in $SPECS; do
      port=${spec%%:*} pid=${spec##*:} csv=$WORK/counters.csv
      wrk -t2 -c32 -d2s -s "$LOAD/rotate-cookies.lua" "http://127.0.0.1:$port" -- "$method" "$path" "$WORK/$port.txt" >/dev/null
      rm -f "$csv"
      # (A background job of a script ignores SIGINT: the collector stops by its --duration.)
      "$COUNTERS" collect -p "$pid" --counters System.Runtime --format csv -o "$csv" --refresh-interval 1 --duration 00:00:10 >/dev/null 2>&1 &
      collector=$!
      sleep 1
      out=$(wrk -t2 -c32 -d8s -s "$LOAD/rotate-cookies.lua" "http://127.0.0.1:$port" -- "$method" "$path" "$WORK/$port.txt")
      wait "$collector" || true
      rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      awk -v r="$round" -v m="$method" -v p="$port" -v rps="$rps" \
        -v pause="$(mean "$csv" 'dotnet.gc.pause.time')" -v alloc="$(mean "$csv" 'dotnet.gc.heap.total_allocated')" \
        -v g0="$(mean "$csv" 'sec)[gc.heap.generation=gen0]')" -v g1="$(mean "$csv" 'sec)[gc.heap.generation=gen1]')" \
        -v g2="$(mean "$csv" 'sec)[gc.heap.generation=gen2]')" \
        -v ws="$(grep -F 'dotnet.process.memory.working_set' "$csv" | tail -n 1 | awk -F, '{print $NF}')" \
        'BEGIN { printf "round %d %-4s port %s: %9.0f req/s  GC pause %5.1f ms/s  %5.1f KB allocated/request  collections/s gen0 %4.1f gen1 %4.1f gen2 %3.1f  working set %4.0f MB\n", r, m, p, rps, pause * 1000, alloc / rps / 1024, g0, g1, g2, ws / 1048576 }'
    done
  done
done
