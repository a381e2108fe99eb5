#!/usr/bin/env bash
# Side-by-side load comparison on loopback: every system serves GET /counter (read), POST /counter (read-modify-write)
# and GET /ping (no session); wrk drives each with the same shape, rotating ~1,000 pre-created session cookies.
#
#   tests/load/run.sh [--quick] [--systems 1,3,6] [--duration S] [--warmup S] [--connections N] [--repeat N]
#   tests/load/run.sh --profile read|write [--systems 6,7]   CPU profile (perf) of the .NET processes under load
#
# Systems: 1 kestrel (no session) | 2 aspnet-memory | 3 aspnet-redis | 4 express-memory | 5 express-redis |
#          6 sessiongrains (co-hosted silo, memory) | 7 sessiongrains-client (front end + silo process, memory) |
#          8 sessiongrains-azurite (front end + silo on Azure Table storage in Azurite) |
#          9 sessiongrains-no-local-reads (6 with SessionGrains:LocalReads=false: every load is a grain call) |
#          10 sessiongrains-client-no-lease (7 with Session:ReadLease=0: every load is a grain call) |
#          11 aspnet-redis-aof (3 with Redis's append-only file, fsync every second) |
#          12 sessiongrains-redis (front end + silo on Redis grain storage and reminders, Redis as in 3) |
#          13 sessiongrains-redis-aof (12 with Redis as in 11) |
#          14 sessiongrains-postgres (front end + silo on PostgreSQL grain storage and reminders, fsync on) |
#          15 sessiongrains-single-silo (6 with Cluster:GrainStorage=SingleSiloMemory: no memory-storage-grain hop) |
#          16 sessiongrains-cohosted-redis (6 on Redis grain storage and reminders, Redis as in 3: one process hop fewer than 12) |
#          17 express-sessiongrains (4's app with connect-sessiongrains: its store calls the session store API of a silo
#             host, memory storage; compare with 5) |
#          18 express-constant (4's app with a store that answers each call at once, one fixed session, no I/O: what
#             express and express-session cost without a store's work; compare with 5 and 17)
# Output: tests/load/results/results.md and chart.png (committed), raw wrk output in tests/load/.out/.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
LOAD=$ROOT/tests/load
source "$LOAD/create-cookies.sh"
OUT=$LOAD/.out
RESULTS=$LOAD/results
ALL_SYSTEMS="1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18"
SYSTEMS=$ALL_SYSTEMS
DURATION=10 WARMUP=8 CONNECTIONS=32 THREADS=2 SESSIONS=1000 REPEAT=1 QUICK=0 REPORT_ONLY=0 PROFILE=""
while (($#)); do
  case $1 in
    --quick) QUICK=1; DURATION=2; WARMUP=1; SESSIONS=200; shift ;;
    --systems) SYSTEMS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --report-only) REPORT_ONLY=1; shift ;;  # redo results.md and chart.png from the last run's measurements
    --profile) PROFILE=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

PORT=5600 SILO_PORT=11611 GATEWAY_PORT=30611 SILO_HTTP=8611 REDIS_PORT=6391 AZURITE_PORT=10600 POSTGRES_PORT=5641
POSTGRES_CONNECTION="Host=127.0.0.1;Port=$POSTGRES_PORT;Database=sessiongrains;Username=postgres"
SECRET="load-test-secret-$(date +%s)-0123456789abcdef"
API_TOKEN="load-test-api-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((AZURITE_PORT + 2))/devstoreaccount1;"
NAMES=(- kestrel aspnet-memory aspnet-redis express-memory express-redis sessiongrains sessiongrains-client sessiongrains-azurite sessiongrains-no-local-reads sessiongrains-client-no-lease
  aspnet-redis-aof sessiongrains-redis sessiongrains-redis-aof sessiongrains-postgres sessiongrains-single-silo sessiongrains-cohosted-redis
  express-sessiongrains express-constant)
PIDS=()
declare -A PID_OF=()

log() { printf '%s load: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

build() {
  mkdir -p "$OUT/bin" "$OUT/logs"
  log "publishing the apps (Release)"
  dotnet publish "$ROOT/src/SessionGrains.Web" -c Release -o "$OUT/bin/web" --nologo -v q >/dev/null
  dotnet publish "$ROOT/src/SessionGrains.Silo" -c Release -o "$OUT/bin/silo" --nologo -v q >/dev/null
  if [[ ,$SYSTEMS, =~ ,(1|2|3|11), ]]; then
    dotnet publish "$LOAD/anchors/AspNetSession" -c Release -o "$OUT/bin/aspnet" --nologo -v q >/dev/null
  fi
  if [[ ,$SYSTEMS, =~ ,(4|5|17|18), && ! -d $LOAD/anchors/express/node_modules ]]; then
    (cd "$LOAD/anchors/express" && npm ci --no-audit --no-fund >/dev/null)
  fi
  if [[ ,$SYSTEMS, =~ ,17, ]]; then # the store as users install it: its npm pack tarball, beside the anchor's lock file
    local tarball
    tarball=$(cd "$ROOT/src/connect-sessiongrains" && npm pack --silent --pack-destination "$OUT" | tail -n 1)
    (cd "$LOAD/anchors/express" && npm install --no-save --no-audit --no-fund "$OUT/$tarball" >/dev/null)
  fi
  if [[ ,$SYSTEMS, =~ ,8, && ! -x $ROOT/deploy/local/node_modules/.bin/azurite ]]; then
    (cd "$ROOT/deploy/local" && npm ci --no-audit --no-fund >/dev/null)
  fi
}

start() { # NAME COMMAND...: runs in the background with quiet logging, remembers the pid
  local name=$1; shift
  Logging__LogLevel__Default=Warning "$@" >"$OUT/logs/$name.log" 2>&1 &
  PIDS+=($!)
  PID_OF[$name]=$!
}

stop_all() {
  ((${#PIDS[@]})) || return 0
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.2
  done
  kill -KILL "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  PIDS=()
  PID_OF=()
declare -A PID_OF=()
}
trap stop_all EXIT

wait_for() { # URL: until it answers 200 (60 s at most)
  for _ in $(seq 1 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1" || true) == 200 ]] && return 0
    sleep 0.2
  done
  log "not ready: $1"; tail -n 20 "$OUT"/logs/*.log >&2; return 1
}

web_env() { # the SessionGrains front end's settings; $1 = CoHosted or Client (exec: the recorded pid is the app's)
  exec env Session__Secrets__0="$SECRET" Cluster__Mode="$1" Cluster__SiloPort=$SILO_PORT Cluster__PrimarySiloPort=$SILO_PORT \
    Cluster__GatewayPort=$GATEWAY_PORT Cluster__GatewayPorts__0=$GATEWAY_PORT "${@:2}"
}

start_redis() { # SYSTEM: one redis-server for the anchor and SessionGrains alike; 11 and 13 keep the append-only file
  local aof=no
  [[ $1 == 11 || $1 == 13 ]] && aof=yes
  rm -rf "$OUT/redis" && mkdir -p "$OUT/redis"
  start redis redis-server --port $REDIS_PORT --bind 127.0.0.1 --dir "$OUT/redis" --save "" --appendonly $aof --appendfsync everysec
  for _ in $(seq 1 100); do [[ $(redis-cli -p $REDIS_PORT ping 2>/dev/null) == PONG ]] && return 0; sleep 0.1; done
  log "redis-server did not start"; return 1
}

start_postgres() { # Debian's PostgreSQL (defaults: fsync and synchronous_commit on), schema by the silo's setup-database
  local bin as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  rm -rf "$OUT/postgres" && mkdir -p "$OUT/postgres"
  if [[ $(id -u) == 0 ]]; then # initdb and postgres refuse root
    chown postgres:postgres "$OUT/postgres"
    as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  fi
  "${as[@]}" "$bin/initdb" -D "$OUT/postgres" -U postgres --auth=trust -E UTF8 --locale=C >"$OUT/logs/initdb.log" 2>&1
  start postgres "${as[@]}" "$bin/postgres" -D "$OUT/postgres" -p $POSTGRES_PORT -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$OUT/postgres" -c max_connections=200
  for _ in $(seq 1 100); do "$bin/pg_isready" -q -h 127.0.0.1 -p $POSTGRES_PORT && break; sleep 0.1; done
  "$bin/createdb" -h 127.0.0.1 -p $POSTGRES_PORT -U postgres sessiongrains
  Cluster__AdoNetConnectionString="$POSTGRES_CONNECTION" dotnet "$OUT/bin/silo/SessionGrains.Silo.dll" setup-database >"$OUT/logs/setup-database.log" 2>&1
}

start_system() {
  local url=http://127.0.0.1:$PORT
  case $1 in
    1) start kestrel dotnet "$OUT/bin/aspnet/AspNetSession.dll" --mode none --urls "$url" ;;
    2) start aspnet dotnet "$OUT/bin/aspnet/AspNetSession.dll" --mode memory --urls "$url" ;;
    3|11) start_redis "$1"
       start aspnet dotnet "$OUT/bin/aspnet/AspNetSession.dll" --mode redis --redis "127.0.0.1:$REDIS_PORT" --urls "$url" ;;
    4) start express node "$LOAD/anchors/express/server.js" --store memory --port $PORT ;;
    18) start express node "$LOAD/anchors/express/server.js" --store constant --port $PORT ;;
    5) start_redis 5
       start express node "$LOAD/anchors/express/server.js" --store redis --redis-url "redis://127.0.0.1:$REDIS_PORT" --port $PORT ;;
    6) start web web_env CoHosted Cluster__GrainStorage=Memory dotnet "$OUT/bin/web/SessionGrains.Web.dll" --urls "$url" ;;
    17) start silo env Cluster__GrainStorage=SingleSiloMemory Cluster__SiloPort=$SILO_PORT Cluster__PrimarySiloPort=$SILO_PORT Cluster__GatewayPort=$GATEWAY_PORT \
          SessionStoreApi__Tokens__0="$API_TOKEN" dotnet "$OUT/bin/silo/SessionGrains.Silo.dll" --urls "http://127.0.0.1:$SILO_HTTP"
        wait_for "http://127.0.0.1:$SILO_HTTP/healthz/ready"
        start express env SESSIONGRAINS_TOKEN="$API_TOKEN" node "$LOAD/anchors/express/server.js" --store sessiongrains \
          --api-url "http://127.0.0.1:$SILO_HTTP" --port $PORT ;;
    16) start_redis 16
        start web web_env CoHosted Cluster__GrainStorage=Redis Cluster__Reminders=Redis "Cluster__RedisConnectionString=127.0.0.1:$REDIS_PORT" \
          dotnet "$OUT/bin/web/SessionGrains.Web.dll" --urls "$url" ;;
    15) start web web_env CoHosted Cluster__GrainStorage=SingleSiloMemory dotnet "$OUT/bin/web/SessionGrains.Web.dll" --urls "$url" ;;
    9) start web web_env CoHosted Cluster__GrainStorage=Memory SessionGrains__LocalReads=false dotnet "$OUT/bin/web/SessionGrains.Web.dll" --urls "$url" ;;
    7|8|10|12|13|14)
      local storage=() web=()
      if [[ $1 == 8 ]]; then
        rm -rf "$OUT/azurite" && mkdir -p "$OUT/azurite"
        start azurite "$ROOT/deploy/local/node_modules/.bin/azurite" --silent --disableTelemetry --location "$OUT/azurite" \
          --blobHost 127.0.0.1 --blobPort $AZURITE_PORT --queueHost 127.0.0.1 --queuePort $((AZURITE_PORT + 1)) \
          --tableHost 127.0.0.1 --tablePort $((AZURITE_PORT + 2)) --skipApiVersionCheck --loose
        storage=(Cluster__GrainStorage=AzureTable Cluster__Reminders=AzureTable "Cluster__StorageConnectionString=$AZURITE_CONNECTION")
      elif [[ $1 == 14 ]]; then
        start_postgres
        storage=(Cluster__GrainStorage=AdoNet Cluster__Reminders=AdoNet "Cluster__AdoNetConnectionString=$POSTGRES_CONNECTION")
      elif (($1 >= 12)); then
        start_redis "$1"
        storage=(Cluster__GrainStorage=Redis Cluster__Reminders=Redis "Cluster__RedisConnectionString=127.0.0.1:$REDIS_PORT")
      fi
      start silo env Cluster__SiloPort=$SILO_PORT Cluster__PrimarySiloPort=$SILO_PORT Cluster__GatewayPort=$GATEWAY_PORT \
        "${storage[@]}" dotnet "$OUT/bin/silo/SessionGrains.Silo.dll" --urls "http://127.0.0.1:$SILO_HTTP"
      wait_for "http://127.0.0.1:$SILO_HTTP/healthz/ready"
      [[ $1 == 10 ]] && web=(Session__ReadLease=00:00:00)
      start web web_env Client "${web[@]}" dotnet "$OUT/bin/web/SessionGrains.Web.dll" --urls "$url" ;;
  esac
  if [[ ${NAMES[$1]} == sessiongrains* ]]; then wait_for "$url/healthz/ready"; else wait_for "$url/ping"; fi
}

create_sessions() { # N sessions through POST /counter; one "name=value" cookie per line
  if [[ $1 == 1 ]]; then # no session at all: cookies of the usual size, which the server ignores
    for ((i = 0; i < SESSIONS; i++)); do echo "connect.sid=s%3A$(head -c 24 /dev/urandom | base64 | tr '+/' '-_').unsigned-for-size-only-0123456789abcdef"; done >"$OUT/cookies.txt"
    return 0
  fi
  create_cookies "$PORT" "$OUT/cookies.txt" "$SESSIONS"
  local created; created=$(wc -l <"$OUT/cookies.txt")
  ((created == SESSIONS)) || { log "created $created of $SESSIONS sessions"; return 1; }
}

to_ms() { # wrk latency (e.g. 850.00us, 1.20ms, 1.05s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'
}

measure() { # SYSTEM ROUTE_NAME METHOD PATH COOKIES: appends "system|route|rps|p50|p99|errors|requests"
  local raw=$OUT/wrk-$1-$2.txt url=http://127.0.0.1:$PORT
  wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s -s "$LOAD/rotate-cookies.lua" "$url" -- "$3" "$4" "$5" >/dev/null
  wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s "$LOAD/rotate-cookies.lua" "$url" -- "$3" "$4" "$5" >"$raw"
  local rps p50 p99 non2xx socket requests
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")")
  requests=$(awk '/requests in/ { print $1 }' "$raw")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$raw"); non2xx=${non2xx:-0}
  socket=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$raw"); socket=${socket:-0}
  echo "$1|$2|$rps|$p50|$p99|$((non2xx + socket))|$requests" >>"$OUT/measurements.txt"
  log "$(printf '%-22s %-6s %10s req/s  p50 %8s ms  p99 %8s ms  errors %s' "${NAMES[$1]}" "$2" "$rps" "$p50" "$p99" "$((non2xx + socket))")"
}

report() {
  local date machine
  date=$(date -u +%Y-%m-%d)
  machine="$(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(uname -m), $(dotnet --version) SDK, node $(node --version)"
  python3 - "$OUT/measurements.txt" "$RESULTS" "$date" "$machine" "$*" "$DURATION" "$CONNECTIONS" "$SESSIONS" "$REPEAT" "$WARMUP" <<'PY'
import statistics, sys, collections
path, results, date, machine, command, duration, connections, sessions, repeat, warmup = sys.argv[1:]
names = {1: "kestrel (no session)", 2: "ASP.NET Session + memory", 3: "ASP.NET Session + Redis", 4: "express-session + MemoryStore",
         5: "express-session + connect-redis", 6: "SessionGrains co-hosted (memory)", 7: "SessionGrains front end + silo (memory)",
         8: "SessionGrains front end + silo (Azurite table)", 9: "SessionGrains co-hosted, local reads off (memory)",
         10: "SessionGrains front end + silo, read leases off (memory)", 11: "ASP.NET Session + Redis (AOF everysec)",
         12: "SessionGrains front end + silo (Redis)", 13: "SessionGrains front end + silo (Redis, AOF everysec)",
         14: "SessionGrains front end + silo (PostgreSQL)", 15: "SessionGrains co-hosted (single-silo memory storage)",
         16: "SessionGrains co-hosted (Redis)", 17: "express-session + connect-sessiongrains (silo host, single-silo memory)",
         18: "express-session + a store answering at once (calibration: one fixed session, no I/O)"}
runs = collections.defaultdict(list)
for line in open(path):
    s, route, rps, p50, p99, errors, requests = line.strip().split("|")
    runs[(int(s), route)].append((float(rps), float(p50), float(p99), int(errors), int(requests)))
def med(key, i): return statistics.median(r[i] for r in runs[key]) if key in runs else None
def ratio(key, base):  # median ratio, and the range of the ratios within each run (both measured in that run)
    if base not in runs: return "-"
    text = f"{med(key, 0) / med(base, 0):.2f}x"
    per_run = [a[0] / b[0] for a, b in zip(runs[key], runs[base])]
    return text + (f" ({min(per_run):.2f}-{max(per_run):.2f})" if len(per_run) > 1 else "")
routes = ["read", "write", "ping"]
lines = [f"# Load comparison, {date}", "",
         f"Machine: {machine}. Command: `tests/load/run.sh {command}`. wrk: 2 threads, {connections} connections, "
         f"{duration} s per route after {warmup} s of warm-up, rotating {sessions} session cookies created beforehand; "
         f"{max(len(r) for r in runs.values())} run(s), medians shown. "
         "Every system serves GET /counter (read), POST /counter (read-modify-write), GET /ping (no session), on 127.0.0.1. "
         "With several runs, ± is half the spread of req/s, and the ratio columns give the median ratio and, in brackets, "
         "the lowest and highest ratio within one run.", "",
         "| system | route | req/s | p50 ms | p99 ms | errors | vs ASP.NET+Redis (same Redis settings; 11 vs 3; 17 and 18 vs express+connect-redis) | vs ASP.NET+memory | vs no session |",
         "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
for s in sorted({k[0] for k in runs}):
    for route in routes:
        key = (s, route)
        if key not in runs: continue
        rps = med(key, 0)
        anchor = 11 if s == 13 else 5 if s in (17, 18) else 3  # like for like: the same Redis settings; express against express
        spread = ""
        if len(runs[key]) > 1:
            values = [r[0] for r in runs[key]]
            spread = f" (±{(max(values) - min(values)) / 2 / rps * 100:.0f}%)"
        lines.append(f"| {s}. {names[s]} | {route} | {rps:,.0f}{spread} | {med(key, 1):.2f} | {med(key, 2):.2f} | {sum(r[3] for r in runs[key])} | "
                     f"{ratio(key, (anchor, route))} | {ratio(key, (2, route))} | {ratio(key, (1, route))} |")
open(f"{results}/results.md", "w").write("\n".join(lines) + "\n")
with open(f"{results}/chart.dat", "w") as data:
    for s in sorted({k[0] for k in runs}):
        data.write(f"\"{s}. {names[s]}\" " + " ".join(f"{med((s, r), 0) or 0:.0f}" for r in routes) + "\n")
PY
  gnuplot <<GP
set terminal pngcairo size 1400,700 font ",10"
set output "$RESULTS/chart.png"
set title "Requests/s by system and route (wrk, $CONNECTIONS connections, loopback, $date)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "requests/s (median)"
set xtics rotate by -25 scale 0 font ",9"
set key outside top center horizontal
set grid ytics
plot "$RESULTS/chart.dat" using 2:xtic(1) title "GET /counter (read)", '' using 3 title "POST /counter (write)", '' using 4 title "GET /ping (no session)"
GP
  rm -f "$RESULTS/chart.dat"
  log "results in $RESULTS/results.md and chart.png"
}

profile() { # SYSTEM ROUTE_NAME: wrk on the route while perf samples CPU in each .NET process; reports in $OUT/profile-*.txt
  local method=GET path=/counter name pids=()
  [[ $2 == write ]] && method=POST
  wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s -s "$LOAD/rotate-cookies.lua" "http://127.0.0.1:$PORT" -- "$method" "$path" "$OUT/cookies.txt" >/dev/null
  wrk -t$THREADS -c$CONNECTIONS -d$((DURATION + 1))s -s "$LOAD/rotate-cookies.lua" "http://127.0.0.1:$PORT" -- "$method" "$path" "$OUT/cookies.txt" >"$OUT/wrk-profile.txt" &
  local wrk_pid=$!
  for name in "${!PID_OF[@]}"; do
    [[ $name == web || $name == silo || $name == aspnet ]] || continue
    perf record -e cpu-clock -F 499 -g -p "${PID_OF[$name]}" -o "$OUT/perf-$1-$2-$name.data" -- sleep "$DURATION" >/dev/null 2>&1 &
    pids+=($!)
  done
  wait "$wrk_pid" "${pids[@]}"
  log "$(awk '/^Requests\/sec:/ { print "under the profiler: " $2 " req/s" }' "$OUT/wrk-profile.txt")"
  for name in "${!PID_OF[@]}"; do
    local data=$OUT/perf-$1-$2-$name.data
    [[ -f $data ]] || continue
    { echo "# ${NAMES[$1]}, $2, process $name: self time"
      perf report -i "$data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 || true
      echo "# including callees"
      perf report -i "$data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -120 || true
    } >"$OUT/profile-$1-$2-$name.txt"
    log "profile: $OUT/profile-$1-$2-$name.txt"
  done
}

main() {
  if ((REPORT_ONLY)); then
    report "$(cat "$OUT/command.txt" 2>/dev/null || echo "${REPORT_ARGS:-}")" # the measured run's arguments
    return
  fi
  install_tools
  build
  mkdir -p "$RESULTS"
  if [[ -n $PROFILE ]]; then
    command -v perf >/dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null; }
    # perf names JIT-compiled methods from /tmp/perf-PID.map, which W^X double mapping would hide
    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
    for system in ${SYSTEMS//,/ }; do
      start_system "$system"; create_sessions "$system"; profile "$system" "$PROFILE"; stop_all
    done
    return
  fi
  local args=""; ((QUICK)) && args="--quick"
  [[ $SYSTEMS == "$ALL_SYSTEMS" ]] || args="$args --systems $SYSTEMS"
  ((REPEAT > 1)) && args="$args --repeat $REPEAT"
  echo "${args# }" >"$OUT/command.txt"
  : >"$OUT/measurements.txt"
  for ((run = 1; run <= REPEAT; run++)); do
    for system in ${SYSTEMS//,/ }; do
      log "system $system: ${NAMES[$system]} (run $run of $REPEAT)"
      start_system "$system"
      create_sessions "$system"
      measure "$system" read GET /counter "$OUT/cookies.txt"
      measure "$system" write POST /counter "$OUT/cookies.txt"
      measure "$system" ping GET /ping /dev/null
      stop_all
    done
  done
  report "${args# }"
}

main
