#!/usr/bin/env bash
# Scale benchmark of the Redis farm (issue 25): what N stored, idle sessions cost the farm, beside the same farm with none.
#
#   tests/load/scale.sh --sessions N [--idle-timeout 04:00:00] [--expiry-sessions 100000] [--expiry-timeout 00:03:00]
#                       [--anchor-sessions 100000] [--create-limit 3600] [--cpu-seconds 60] [--collection-age 00:01:01]
#
# On its own `deploy/local/farm.sh up --storage redis` (own FARM_STATE in tests/load/.out/scale/farm, own ports, its
# Redis emptied first, ServiceId sessiongrains-scale, the Orleans Dashboard off), in this order:
#   1. baseline, 0 sessions: reminder rows, Redis used_memory, silo heap after a full GC (dotnet-gcdump on each silo),
#      the silos' CPU over --cpu-seconds, and kill -9 of every silo, restart-silo 1 2 3, time to the first new session;
#   2. N sessions created through nginx (wrk, 32 connections, cookieless POST /counter/atomic: creates/s), Redis bytes
#      per session, then writes/s to 1,000 of them (POST /counter, rotate-cookies.lua, as run.sh), in the same farm;
#   3. once no session activation is left (SessionGrains:CollectionAge lowered to --collection-age, just above Orleans'
#      1-minute collection quantum, which it must exceed): the silos' heap; then, once Orleans' grain directory caches
#      have dropped the sessions' addresses (MaximumCacheTTL, 4 min after their last use): the same figures as in 1
#      with N stored, and the heap's types that grew, summed over the silos;
#   4. expiry: M sessions created with Session:IdleTimeout = --expiry-timeout (the front ends restarted with it; longer
#      than CollectionAge + the quantum, so the sweepers, not the activations' timers, delete them), the index and the
#      key count sampled every second: deletion rate and lag after expiry; then M more, every silo killed right after,
#      restarted once half of them are due: the same after a whole-cluster restart;
#   5. ASP.NET Core Session + Redis (anchors/AspNetSession, a Redis of its own with the same settings): used_memory per
#      session for the same one-key session, N' sessions.
# The N sessions get --idle-timeout (default 4 h), so none expires during the run. Every step is bounded in time;
# whatever the script started is stopped at the end (farm down, the anchor and its Redis), also on failure or Ctrl+C.
# Output: tests/load/results/scale.md (this run's section, replacing an earlier one for the same N); raw output
# (wrk, gcdumps and their reports, samples, logs) in tests/load/.out/scale/ (git-ignored). Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
LOAD=$ROOT/tests/load
OUT=$LOAD/.out/scale
RESULTS=$LOAD/results
COMMAND="tests/load/scale.sh $*"

SESSIONS="" IDLE_TIMEOUT=04:00:00 EXPIRY_SESSIONS=100000 EXPIRY_TIMEOUT=00:03:00 ANCHOR_SESSIONS=100000
CREATE_LIMIT=3600 CPU_SECONDS=60 COLLECTION_AGE=00:01:01
while (($#)); do
  case $1 in
    --sessions) SESSIONS=$2; shift 2 ;;
    --idle-timeout) IDLE_TIMEOUT=$2; shift 2 ;;
    --expiry-sessions) EXPIRY_SESSIONS=$2; shift 2 ;;      # 0 skips step 4
    --expiry-timeout) EXPIRY_TIMEOUT=$2; shift 2 ;;
    --anchor-sessions) ANCHOR_SESSIONS=$2; shift 2 ;;      # 0 skips step 5
    --create-limit) CREATE_LIMIT=$2; shift 2 ;;            # seconds the creation of N may take; what was made by then counts
    --cpu-seconds) CPU_SECONDS=$2; shift 2 ;;
    --collection-age) COLLECTION_AGE=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $SESSIONS =~ ^[0-9]+$ && $EXPIRY_SESSIONS =~ ^[0-9]+$ && $ANCHOR_SESSIONS =~ ^[0-9]+$ ]] \
  || { echo "usage: tests/load/scale.sh --sessions N [options]: see the top of this file" >&2; exit 2; }

THREADS=2 CONNECTIONS=32 WARMUP=3 DURATION=10 KEEP=1000 SETTLE=30 SHARDS=16 GCDUMP_VERSION=10.0.750501
SERVICE_ID=sessiongrains-scale
export FARM_STATE=$OUT/farm FARM_STORAGE=redis FARM_SERVICE_ID=$SERVICE_ID FARM_DASHBOARD=0 \
  FARM_REDIS_PORT=6790 FARM_SILO_PORT=11711 FARM_GATEWAY_PORT=30701 FARM_SILO_HEALTH_PORT=8781 FARM_WEB_PORT=5701 \
  FARM_NGINX_PORT=8780 FARM_AZURITE_PORT=10790 FARM_POSTGRES_PORT=5790
# Passed through farm.sh to every silo and front end (each reads its own section).
export SessionGrains__CollectionAge=$COLLECTION_AGE Session__IdleTimeout=$IDLE_TIMEOUT
ANCHOR_REDIS_PORT=6791 ANCHOR_PORT=5791
NGINX=http://127.0.0.1:$FARM_NGINX_PORT
CLK_TCK=$(getconf CLK_TCK)
FIGURES=$OUT/figures.txt # "key=value" lines: every figure of this run, for the report
ANCHOR_PIDS=()
FARM_UP=0 REPORTED=0

log() { printf '%s scale: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fig() { echo "$1=$2" >>"$FIGURES"; log "$1 = $2"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
farm() { "$ROOT/deploy/local/farm.sh" "$@"; }
rc() { redis-cli -p "$FARM_REDIS_PORT" "$@"; }
used_memory() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }
silo_pid() { cut -d' ' -f1 "$FARM_STATE/run/silo$1.pid"; }

install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  export PATH=$PATH:$HOME/.dotnet/tools
  if ! command -v dotnet-gcdump >/dev/null; then
    log "installing dotnet-gcdump $GCDUMP_VERSION (dotnet tool install -g)"
    dotnet tool install -g dotnet-gcdump --version "$GCDUMP_VERSION" >/dev/null
  fi
}

cleanup() {
  local status=$?
  local wrk_pid; wrk_pid=$(cat "$OUT/wrk.pid" 2>/dev/null || true) # a creation's wrk still running (stopped mid-step)
  if [[ -n $wrk_pid && $(cat "/proc/$wrk_pid/comm" 2>/dev/null) == wrk ]]; then kill -INT "$wrk_pid" 2>/dev/null || true; fi
  if ((${#ANCHOR_PIDS[@]})); then
    kill -TERM "${ANCHOR_PIDS[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "${ANCHOR_PIDS[@]}" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "${ANCHOR_PIDS[@]}" 2>/dev/null || true
  fi
  if ((FARM_UP)); then farm down >>"$OUT/farm.log" 2>&1 || log "farm down failed: see $OUT/farm.log"; fi
  if ((status != 0 && !REPORTED)) && [[ -s $FIGURES ]]; then # a failed step: what was measured until then
    log "stopped by a failure: reporting what was measured"; report || true
  fi
  wait 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- farm -----------------------------------------------------------------------------------------------------------

farm_up() {
  if [[ -d $FARM_STATE/run ]] && farm status >/dev/null 2>&1; then farm down >>"$OUT/farm.log" 2>&1; fi
  rm -rf "$FARM_STATE/redis" # an empty Redis: the baseline holds no session
  log "farm up --storage redis (state $FARM_STATE; build and publish the first time)"
  FARM_UP=1
  farm up --storage redis >>"$OUT/farm.log" 2>&1 || { tail -n 30 "$OUT/farm.log" >&2; return 1; }
  for _ in $(seq 1 120); do
    [[ $(rc zcard "$SERVICE_ID/reminders") == "$SHARDS" ]] && return 0
    sleep 0.5
  done
  log "the $SHARDS sweepers did not register their reminders within 60 s"; return 1
}

session_activations() { # sum over the silos of Orleans' activation gauge for the session grain type
  local total=0 port count
  for i in 1 2 3; do
    port=$((FARM_SILO_HEALTH_PORT + i - 1))
    count=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" \
      | awk '/^orleans_catalog_activations\{/ && /grain_type="session"/ { s += $NF } END { print s + 0 }')
    total=$((total + count))
  done
  echo "$total"
}

directory_cache() { # sum over the silos of Orleans' grain directory cache size (entries)
  local total=0 port count
  for i in 1 2 3; do
    port=$((FARM_SILO_HEALTH_PORT + i - 1))
    count=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" \
      | awk '/^orleans_directory_cache_size\{/ { s += $NF } END { print s + 0 }')
    total=$((total + count))
  done
  echo "$total"
}

wait_collected() { # START: until no session activation is left (at most 15 min)
  for _ in $(seq 1 180); do
    local left; left=$(session_activations)
    if ((left == 0)); then fig collected_after_s "$(since "$1")"; fig collected.directory_cache "$(directory_cache)"; return 0; fi
    sleep 5
  done
  log "session activations still alive after 15 min: $(session_activations)"; return 1
}

wait_directory_cache() { # START: until the silos' grain directory caches hold at most 100 entries more than at the baseline
  # (Orleans drops an entry MaximumCacheTTL, 240 s, after its last use, checking every 240 s; at most 12 min)
  local cache
  for _ in $(seq 1 144); do
    cache=$(directory_cache)
    if ((cache <= $(sed -n 's/^base.directory_cache=//p' "$FIGURES") + 100)); then fig cache_drained_after_s "$(since "$1")"; return 0; fi
    sleep 5
  done
  fig cache_drained_after_s "not within 12 min ($cache entries left)"
}

# --- figures --------------------------------------------------------------------------------------------------------

index_entries() { # [MAX_SCORE]: entries in the session shards with a due time up to MAX_SCORE (Unix ms), then DBSIZE
  local max=${1:-+inf}
  { for ((s = 0; s < SHARDS; s++)); do echo "ZCOUNT $SERVICE_ID/expiry/session/$s -inf $max"; done; echo DBSIZE; } \
    | rc | awk -v n="$SHARDS" 'NR <= n { s += $1 } NR == n + 1 { print s, $1 }'
}

redis_figures() { # LABEL
  local entries keys
  read -r entries keys < <(index_entries)
  fig "$1.index_entries" "$entries"
  fig "$1.redis_keys" "$keys"
  fig "$1.reminder_rows" "$(rc zcard "$SERVICE_ID/reminders")"
  fig "$1.used_memory" "$(used_memory "$FARM_REDIS_PORT")"
  fig "$1.directory_cache" "$(directory_cache)"
}

heap() { # LABEL: dotnet-gcdump of each silo (it forces a full, blocking GC), its report, and the GC's own heap size after it
  local total=0 gc_total=0 rss_total=0
  for i in 1 2 3; do
    local pid dump bytes gc rss
    pid=$(silo_pid "$i") dump=$OUT/heap-$1-silo$i.gcdump
    dotnet-gcdump collect -p "$pid" -o "$dump" >"$dump.log" 2>&1 || { cat "$dump.log" >&2; return 1; }
    dotnet-gcdump report "$dump" >"$dump.txt" 2>&1
    bytes=$(awk '/GC Heap bytes/ { gsub(",", "", $1); print $1; exit }' "$dump.txt")
    gc=$(curl -s --max-time 5 "http://127.0.0.1:$((FARM_SILO_HEALTH_PORT + i - 1))/metrics" \
      | awk '/^dotnet_gc_last_collection_heap_size_bytes\{/ { s += $NF } END { printf "%.0f", s }')
    rss=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$pid/status")
    fig "$1.heap_silo$i" "$bytes"
    total=$((total + bytes)) gc_total=$((gc_total + gc)) rss_total=$((rss_total + rss))
  done
  fig "$1.heap" "$total"
  fig "$1.gc_heap_after_gc" "$gc_total"
  fig "$1.rss" "$rss_total"
}

cpu_ticks() { # utime + stime of the three silos, in clock ticks
  local sum=0
  for i in 1 2 3; do sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$(silo_pid "$i")/stat"))); done
  echo "$sum"
}

idle_cpu() { # LABEL: the silos' CPU time over CPU_SECONDS with no traffic
  local before after
  before=$(cpu_ticks); sleep "$CPU_SECONDS"; after=$(cpu_ticks)
  fig "$1.cpu_seconds" "$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')"
  fig "$1.cpu_load" "$(load)"
}

restart_all() { # LABEL: kill -9 every silo, restart them together, time to the first new session through nginx
  farm kill-silo 1 2 3 >>"$OUT/farm.log" 2>&1
  local start first="" restart status
  start=$(now)
  farm restart-silo 1 2 3 >>"$OUT/farm.log" 2>&1 &
  restart=$!
  local headers deadline=$(($(date +%s) + 120))
  while (($(date +%s) < deadline)); do # each attempt may wait out the front end's retry budget (4 s)
    headers=$(curl -s -o /dev/null -D - -X POST --max-time 10 "$NGINX/counter/atomic" || true)
    if grep -qi '^set-cookie: connect.sid' <<<"$headers"; then first=$(since "$start"); break; fi
    sleep 0.2
  done
  status=0; wait "$restart" || status=$?
  ((status == 0)) || { log "restart-silo 1 2 3 failed"; tail -n 20 "$OUT/farm.log" >&2; return 1; }
  fig "$1.first_session_s" "${first:-none in 120 s}"
  fig "$1.all_healthy_s" "$(since "$start")"
  fig "$1.restart_load" "$(load)"
}

create() { # URL REDIS_PORT METHOD PATH COUNT PREFIX LIMIT_S: wrk creates COUNT sessions; prints "created failed seconds"
  local url=$1 port=$2 method=$3 path=$4 count=$5 prefix=$6 limit=$7 threads=$THREADS start wrk_pid
  ((count < threads)) && threads=1
  rm -f "$prefix".*
  start=$(now)
  wrk -t"$threads" -c"$CONNECTIONS" -d"${limit}s" --timeout 10s -s "$LOAD/create-sessions.lua" "$url" \
    -- "$method" "$path" "$count" "$threads" "$prefix" "$KEEP" >"$prefix.wrk.txt" 2>&1 &
  wrk_pid=$!
  echo "$wrk_pid" >"$OUT/wrk.pid"
  # wrk runs until -d: interrupt it once every thread has made its share, or when Redis's key count stalls for 30 s
  # (a request lost to a socket error is never answered, so its thread would wait for it until the limit)
  local keys last_keys=-1 last_change=$start stalled=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    (($(compgen -G "$prefix.done.*" | wc -l) == threads)) && { kill -INT "$wrk_pid" 2>/dev/null || true; break; }
    keys=$(redis-cli -p "$port" dbsize 2>/dev/null || echo "$last_keys")
    if [[ $keys != "$last_keys" ]]; then last_keys=$keys last_change=$(now)
    elif (($(since "$last_change" | cut -d. -f1) >= 30)); then stalled=1; kill -INT "$wrk_pid" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  wait "$wrk_pid" || true
  rm -f "$OUT/wrk.pid"
  if ((!stalled)) && (($(compgen -G "$prefix.done.*" | wc -l) == threads)); then
    cat "$prefix".done.* | awk -v start="$start" '{ c += $1; f += $2; if ($3 > end) end = $3 } END { printf "%d %d %.3f\n", c, f, end - start }'
  else # stopped by the limit or a stall: what was made by then, over the time it took
    local seconds; seconds=$(awk -v a="$start" -v b="$last_change" 'BEGIN { printf "%.3f", b - a }')
    ((stalled)) || seconds=$limit
    log "creation stopped early ($( ((stalled)) && echo "no new key for 30 s" || echo "limit of $limit s")): $(grep '^created' "$prefix.wrk.txt")"
    awk -v s="$seconds" '/^created/ { printf "%d %d %s\n", $2, $4, s }' "$prefix.wrk.txt"
  fi
}

writes() { # COOKIES: writes/s to existing sessions, as run.sh measures them
  wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s -s "$LOAD/rotate-cookies.lua" "$NGINX" -- POST /counter "$1" >/dev/null
  wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s "$LOAD/rotate-cookies.lua" "$NGINX" -- POST /counter "$1" >"$OUT/wrk-writes.txt"
  fig writes_per_s "$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$OUT/wrk-writes.txt")"
  fig writes_errors "$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$OUT/wrk-writes.txt")"
  fig writes_load "$(load)"
}

create_stored() { # the N sessions, their Redis bytes, then writes/s to 1,000 of them
  local before keys_before created failed seconds
  # warm-up, as run.sh does before it measures: 3 s of creates (they are stored too; stored.index_entries counts them)
  wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s -s "$LOAD/rotate-cookies.lua" "$NGINX" -- POST /counter/atomic /dev/null >"$OUT/wrk-warmup.txt"
  fig warmup_sessions "$(awk '/requests in/ { print $1 }' "$OUT/wrk-warmup.txt")"
  before=$(used_memory "$FARM_REDIS_PORT"); keys_before=$(rc dbsize)
  fig create_load_before "$(load)"
  read -r created failed seconds < <(create "$NGINX" "$FARM_REDIS_PORT" POST /counter/atomic "$SESSIONS" "$OUT/create" "$CREATE_LIMIT")
  fig created "$created"; fig create_failed "$failed"; fig create_seconds "$seconds"
  fig creates_per_s "$(awk -v c="$created" -v s="$seconds" 'BEGIN { printf "%.0f", c / s }')"
  fig create_load_after "$(load)"
  sleep 2 # the append-only file's buffer is flushed every second
  fig stored_used_memory_delta "$(($(used_memory "$FARM_REDIS_PORT") - before))"
  fig stored_keys_delta "$(($(rc dbsize) - keys_before))"
  local key; key=$(rc --scan --pattern "$SERVICE_ID/state/session/*" 2>/dev/null | head -n 1 || true)
  fig record_memory_usage "$(rc memory usage "$key" samples 0) B, $(rc object encoding "$key") ($key)"
  local shard=$SERVICE_ID/expiry/session/0
  fig shard0_memory_usage "$(rc memory usage "$shard" samples 0) B for $(rc zcard "$shard") entries, $(rc object encoding "$shard")"
  cat "$OUT"/create.[0-9]* >"$OUT/cookies.txt"
  writes "$OUT/cookies.txt"
}

# --- expiry ---------------------------------------------------------------------------------------------------------

due_scores() { # MAX_SCORE FILE: the due times (Unix ms) of every session entry up to MAX_SCORE, sorted
  { for ((s = 0; s < SHARDS; s++)); do redis-cli -p "$FARM_REDIS_PORT" zrangebyscore "$SERVICE_ID/expiry/session/$s" -inf "$1" withscores; done; } \
    | awk 'NR % 2 == 0' | sort -n >"$2"
}

sample() { # MAX_SCORE FILE BOUND_S: "unix_ms entries keys" every second until no entry up to MAX_SCORE is left
  local end=$(($(date +%s) + $3)) entries keys
  while (($(date +%s) < end)); do
    read -r entries keys < <(index_entries "$1")
    echo "$(date +%s%3N) $entries $keys" >>"$2"
    ((entries == 0)) && return 0
    sleep 1
  done
  log "entries left after $3 s: $entries"
}

analyse_expiry() { # LABEL DUE_FILE SAMPLES_FILE [RESTART_MS]: deletion rate and lag after expiry (scale-expiry.py)
  python3 "$LOAD/scale-expiry.py" "$@" >>"$FIGURES"
  sed -n "s/^$1\./  $1./p" "$FIGURES" >&2
}

expiry() { # the sweepers' throughput and lag, in a running farm and right after a whole-cluster restart
  local seconds_ms cutoff created failed seconds
  seconds_ms=$(awk -v t="$EXPIRY_TIMEOUT" 'BEGIN { split(t, p, ":"); printf "%d", (p[1] * 3600 + p[2] * 60 + p[3]) * 1000 }')
  log "front ends restarted with Session:IdleTimeout=$EXPIRY_TIMEOUT for the expiry runs"
  Session__IdleTimeout=$EXPIRY_TIMEOUT farm restart-web 1 2 >>"$OUT/farm.log" 2>&1
  # a few creates first through each new front end, so their first calls' start-up costs are not the measured run's
  for _ in $(seq 1 20); do curl -s -o /dev/null --max-time 10 -X POST "$NGINX/counter/atomic" || true; done
  # run 1: a running farm
  read -r created failed seconds < <(create "$NGINX" "$FARM_REDIS_PORT" POST /counter/atomic "$EXPIRY_SESSIONS" "$OUT/expiry1" 600)
  fig expiry1.created "$created in $seconds s ($failed failed)"
  cutoff=$(($(date +%s%3N) + seconds_ms + 60000)) # every entry of these sessions, none of the N (due hours later)
  due_scores "$cutoff" "$OUT/expiry1-due.txt"
  : >"$OUT/expiry1-samples.txt"
  sample "$cutoff" "$OUT/expiry1-samples.txt" $((seconds_ms / 1000 + 600))
  fig expiry1.load "$(load)"
  analyse_expiry expiry1 "$OUT/expiry1-due.txt" "$OUT/expiry1-samples.txt"
  # run 2: every silo killed right after the creation, restarted once half of the sessions are due
  read -r created failed seconds < <(create "$NGINX" "$FARM_REDIS_PORT" POST /counter/atomic "$EXPIRY_SESSIONS" "$OUT/expiry2" 600)
  farm kill-silo 1 2 3 >>"$OUT/farm.log" 2>&1
  fig expiry2.created "$created in $seconds s ($failed failed), then every silo killed"
  cutoff=$(($(date +%s%3N) + seconds_ms + 60000))
  due_scores "$cutoff" "$OUT/expiry2-due.txt"
  local median restart_ms
  median=$(sed -n "$((($(wc -l <"$OUT/expiry2-due.txt") + 1) / 2))p" "$OUT/expiry2-due.txt") # (mawk's %d stops at 2^31)
  while (($(date +%s%3N) < median)); do sleep 1; done
  restart_ms=$(date +%s%3N)
  echo "expiry2.restart_ms=$restart_ms" >>"$FIGURES"
  : >"$OUT/expiry2-samples.txt"
  farm restart-silo 1 2 3 >>"$OUT/farm.log" 2>&1
  fig expiry2.silos_healthy_after_s "$(awk -v a="$restart_ms" -v b="$(date +%s%3N)" 'BEGIN { printf "%.1f", (b - a) / 1000 }')"
  sample "$cutoff" "$OUT/expiry2-samples.txt" $((seconds_ms / 1000 + 600))
  fig expiry2.load "$(load)"
  analyse_expiry expiry2 "$OUT/expiry2-due.txt" "$OUT/expiry2-samples.txt" "$restart_ms"
}

# --- ASP.NET Core Session + Redis -----------------------------------------------------------------------------------

anchor() {
  log "ASP.NET Core Session + Redis: $ANCHOR_SESSIONS sessions"
  dotnet publish "$LOAD/anchors/AspNetSession" -c Release -o "$OUT/bin/aspnet" --nologo -v q >"$OUT/anchor-publish.log" 2>&1
  rm -rf "$OUT/anchor-redis" && mkdir -p "$OUT/anchor-redis"
  redis-server --port $ANCHOR_REDIS_PORT --bind 127.0.0.1 --dir "$OUT/anchor-redis" --save "" --appendonly yes \
    --appendfsync everysec >"$OUT/anchor-redis.log" 2>&1 &
  ANCHOR_PIDS+=($!)
  for _ in $(seq 1 100); do [[ $(redis-cli -p $ANCHOR_REDIS_PORT ping 2>/dev/null) == PONG ]] && break; sleep 0.1; done
  Logging__LogLevel__Default=Warning dotnet "$OUT/bin/aspnet/AspNetSession.dll" --mode redis --redis "127.0.0.1:$ANCHOR_REDIS_PORT" \
    --urls "http://127.0.0.1:$ANCHOR_PORT" >"$OUT/anchor.log" 2>&1 &
  ANCHOR_PIDS+=($!)
  for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$ANCHOR_PORT/ping" && break; sleep 0.2; done
  local before created failed seconds key
  before=$(used_memory $ANCHOR_REDIS_PORT)
  read -r created failed seconds < <(create "http://127.0.0.1:$ANCHOR_PORT" "$ANCHOR_REDIS_PORT" POST /counter "$ANCHOR_SESSIONS" "$OUT/anchor-create" 600)
  sleep 2
  fig anchor.created "$created in $seconds s ($failed failed)"
  fig anchor.used_memory_delta "$(($(used_memory $ANCHOR_REDIS_PORT) - before))"
  key=$(redis-cli -p $ANCHOR_REDIS_PORT randomkey)
  fig anchor.key_memory_usage "$(redis-cli -p $ANCHOR_REDIS_PORT memory usage "$key" samples 0) B, $(redis-cli -p $ANCHOR_REDIS_PORT object encoding "$key"), TTL $(redis-cli -p $ANCHOR_REDIS_PORT ttl "$key") s"
  kill -TERM "${ANCHOR_PIDS[@]}" 2>/dev/null || true
  wait "${ANCHOR_PIDS[@]}" 2>/dev/null || true
  ANCHOR_PIDS=()
}

# --- report ---------------------------------------------------------------------------------------------------------

report() {
  python3 "$LOAD/scale-report.py" "$FIGURES" "$OUT" "$RESULTS/scale.md" "$SESSIONS" "$COMMAND" \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(dotnet --version) SDK, $(redis-server --version | awk '{ print $3 }')"
  REPORTED=1
  log "results in $RESULTS/scale.md"
}

main() {
  mkdir -p "$OUT" "$RESULTS"
  : >"$FIGURES"; : >"$OUT/farm.log"
  rm -f "$OUT"/heap-*.gcdump*
  install_tools
  fig start_load "$(load)"
  farm_up
  sleep "$SETTLE" # start-up work (JIT, first membership rounds) out of the baseline
  redis_figures base
  heap base
  idle_cpu base
  restart_all base
  if ((SESSIONS > 0)); then
    sleep "$SETTLE"
    create_stored
    local created_at; created_at=$(now)
    log "waiting until every session activation is collected (CollectionAge $COLLECTION_AGE)"
    wait_collected "$created_at"
    heap collected
    log "waiting until the silos' grain directory caches are back to their baseline size"
    wait_directory_cache "$created_at"
    redis_figures stored
    heap stored
    idle_cpu stored
    restart_all stored
    redis_figures after_restart
  fi
  ((EXPIRY_SESSIONS > 0)) && expiry
  farm down >>"$OUT/farm.log" 2>&1; FARM_UP=0
  ((ANCHOR_SESSIONS > 0)) && anchor
  report
}

main
