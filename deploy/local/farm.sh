#!/usr/bin/env bash
# The SessionGrains local web farm, all on 127.0.0.1: Azurite (Azure Storage emulator), 3 Orleans silos (Azure
# Storage clustering, Azure Table grain storage and reminders), 2 demo front ends in client mode sharing one cookie
# secret, and nginx round-robin over the front ends.
#
#   deploy/local/farm.sh up        build, start, wait until every /healthz is 200 (at most FARM_TIMEOUT s), print URLs
#   deploy/local/farm.sh down      SIGTERM what `up` started (front door first, Azurite last), SIGKILL after 30 s
#   deploy/local/farm.sh status    pid, alive, health per process; exits 1 unless all are up and healthy
#   deploy/local/farm.sh kill-silo N | stop-silo N | restart-silo N   (N = 1..3; SIGKILL | SIGTERM | graceful stop if
#                                  running, start with the same ports, wait until healthy); also kill-web/stop-web/restart-web
#   deploy/local/farm.sh logs [NAME [LINES]]                           (NAME = azurite, silo1, web2, nginx-access, build...)
#
# State, binaries, logs and Azurite's data live in deploy/local/.farm/ (FARM_STATE overrides it). Every process is
# recorded as "pid starttime" in .farm/run/, and only those exact processes are ever signalled.
#
# Environment overrides (defaults in brackets): FARM_STATE [deploy/local/.farm], FARM_AZURITE_PORT [10000; queue +1,
# table +2], FARM_SILO_PORT [11111], FARM_GATEWAY_PORT [30001], FARM_SILO_HEALTH_PORT [8081], FARM_WEB_PORT [5001],
# FARM_NGINX_PORT [8080], FARM_SILOS [3], FARM_WEBS [2], FARM_TIMEOUT [90 s, health wait], FARM_STOP_TIMEOUT [30 s],
# FARM_SERVICE_ID [sessiongrains-farm], FARM_KEEP_ON_FAILURE [0: a failed `up` stops what it started].
set -euo pipefail
set +m
shopt -u patsub_replacement 2>/dev/null || true

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
STATE=${FARM_STATE:-$SCRIPT_DIR/.farm}
mkdir -p -- "$STATE"
STATE=$(cd -- "$STATE" && pwd -P)
RUN=$STATE/run
LOGS=$STATE/logs
BIN=$STATE/bin
NGINX_DIR=$STATE/nginx
NGINX_CONF=$NGINX_DIR/nginx.conf
FARM_ENV=$STATE/farm.env
AZURITE_BIN=$SCRIPT_DIR/node_modules/.bin/azurite

# Azurite's well-known development account (public, documented by Microsoft); explicit endpoints so the ports can move.
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log() { printf '%s farm: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- settings

load_settings() { # the running farm's settings win over the environment, so restart/status/down see what `up` used
    if [[ -f $FARM_ENV ]]; then
        # shellcheck disable=SC1090
        source "$FARM_ENV"
    fi
    : "${AZURITE_PORT:=${FARM_AZURITE_PORT:-10000}}"
    : "${SILO_PORT:=${FARM_SILO_PORT:-11111}}"
    : "${GATEWAY_PORT:=${FARM_GATEWAY_PORT:-30001}}"
    : "${SILO_HEALTH_PORT:=${FARM_SILO_HEALTH_PORT:-8081}}"
    : "${WEB_PORT:=${FARM_WEB_PORT:-5001}}"
    : "${NGINX_PORT:=${FARM_NGINX_PORT:-8080}}"
    : "${SILOS:=${FARM_SILOS:-3}}"
    : "${WEBS:=${FARM_WEBS:-2}}"
    : "${SERVICE_ID:=${FARM_SERVICE_ID:-sessiongrains-farm}}"
    : "${CLUSTER_ID:=}"
    TIMEOUT=${FARM_TIMEOUT:-90}
    STOP_TIMEOUT=${FARM_STOP_TIMEOUT:-30}
}

fresh_settings() { # for `up`: from the environment only, with a new cluster ID
    unset AZURITE_PORT SILO_PORT GATEWAY_PORT SILO_HEALTH_PORT WEB_PORT NGINX_PORT SILOS WEBS SERVICE_ID CLUSTER_ID
    local saved=$FARM_ENV
    FARM_ENV=/nonexistent
    load_settings
    FARM_ENV=$saved
    for v in AZURITE_PORT SILO_PORT GATEWAY_PORT SILO_HEALTH_PORT WEB_PORT NGINX_PORT SILOS WEBS TIMEOUT STOP_TIMEOUT; do
        [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number (got '${!v}')"
    done
    ((SILOS >= 1 && WEBS >= 1)) || die "FARM_SILOS and FARM_WEBS must be at least 1"
    CLUSTER_ID=farm-$(date -u +%Y%m%d-%H%M%S)
}

save_settings() {
    {
        for v in AZURITE_PORT SILO_PORT GATEWAY_PORT SILO_HEALTH_PORT WEB_PORT NGINX_PORT SILOS WEBS SERVICE_ID CLUSTER_ID; do
            printf '%s=%q\n' "$v" "${!v}"
        done
    } >"$FARM_ENV"
}

connection_string() {
    local h=http://127.0.0.1
    printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=%s:%s/%s;QueueEndpoint=%s:%s/%s;TableEndpoint=%s:%s/%s;' \
        "$AZURITE_ACCOUNT" "$AZURITE_KEY" \
        "$h" "$AZURITE_PORT" "$AZURITE_ACCOUNT" "$h" "$((AZURITE_PORT + 1))" "$AZURITE_ACCOUNT" "$h" "$((AZURITE_PORT + 2))" "$AZURITE_ACCOUNT"
}

names() { # every process of the farm, in start order
    local i
    echo azurite
    for ((i = 1; i <= SILOS; i++)); do echo "silo$i"; done
    for ((i = 1; i <= WEBS; i++)); do echo "web$i"; done
    echo nginx
}

health_url() {
    case $1 in
        azurite) echo "http://127.0.0.1:$AZURITE_PORT/" ;;
        silo*) echo "http://127.0.0.1:$((SILO_HEALTH_PORT + ${1#silo} - 1))/healthz" ;;
        web*) echo "http://127.0.0.1:$((WEB_PORT + ${1#web} - 1))/healthz" ;;
        nginx) echo "http://127.0.0.1:$NGINX_PORT/healthz" ;;
    esac
}

ports_of() {
    local n
    case $1 in
        azurite) echo "$AZURITE_PORT $((AZURITE_PORT + 1)) $((AZURITE_PORT + 2))" ;;
        silo*) n=$((${1#silo} - 1)); echo "$((SILO_PORT + n)) $((GATEWAY_PORT + n)) $((SILO_HEALTH_PORT + n))" ;;
        web*) echo "$((WEB_PORT + ${1#web} - 1))" ;;
        nginx) echo "$NGINX_PORT" ;;
    esac
}

# ---------------------------------------------------------------- processes

proc_starttime() { # pid -> its start time (clock ticks since boot); fails when gone or a zombie
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    local -a f
    read -r -a f <<<"$stat"
    [[ ${f[0]} != Z && ${f[0]} != X ]] || return 1
    echo "${f[19]}"
}

live_pid() { # name -> pid, when the process this farm recorded under that name is still running
    local name=$1 pid start cur
    if [[ $name == nginx ]]; then
        [[ -s $RUN/nginx.pid ]] || return 1
        read -r pid <"$RUN/nginx.pid" || return 1
        [[ $pid =~ ^[0-9]+$ ]] || return 1
        proc_starttime "$pid" >/dev/null || return 1
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$NGINX_CONF" || return 1
        echo "$pid"
        return 0
    fi
    [[ -s $RUN/$name.pid ]] || return 1
    read -r pid start <"$RUN/$name.pid" || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cur=$(proc_starttime "$pid") || return 1
    [[ $cur == "$start" ]] || return 1
    echo "$pid"
}

children_of() { # pid -> "pid starttime" of its direct children
    local d stat ppid
    for d in /proc/[0-9]*; do
        { read -r stat <"$d/stat"; } 2>/dev/null || continue
        stat=${stat##*) }
        read -r _ ppid _ <<<"$stat"
        [[ $ppid == "$1" ]] && echo "${d#/proc/} $(proc_starttime "${d#/proc/}" 2>/dev/null || echo gone)"
    done
    return 0
}

port_busy() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

probe() { # url -> HTTP_CODE (000 when nothing answers) and HTTP_BODY
    local out
    out=$(curl -s --max-time 3 -w '\n%{http_code}' "$1" 2>/dev/null) || true
    HTTP_CODE=${out##*$'\n'}
    HTTP_BODY=${out%$'\n'*}
    [[ $out == *$'\n'* ]] || HTTP_BODY=
    [[ $HTTP_CODE =~ ^[0-9]{3}$ ]] || HTTP_CODE=000
    HTTP_BODY=${HTTP_BODY//$'\n'/ }
}

healthy() { # name -> success when it answers its health check (Azurite: any HTTP answer)
    probe "$(health_url "$1")"
    if [[ $1 == azurite ]]; then [[ $HTTP_CODE != 000 ]]; else [[ $HTTP_CODE == 200 ]]; fi
}

stop_names() { # signal name... : send signal, wait up to STOP_TIMEOUT, then SIGKILL whatever is left
    local sig=$1 n p
    shift
    local -A pids=() kids=()
    for n in "$@"; do
        p=$(live_pid "$n") || { [[ $n == nginx ]] || rm -f -- "$RUN/$n.pid"; continue; }
        pids[$n]=$p
        [[ $n == nginx ]] && kids[$n]=$(children_of "$p" | tr '\n' ',')
        log "stopping $n (pid $p, SIG$sig)"
        kill -s "$sig" "$p" 2>/dev/null || true
    done
    local deadline=$((SECONDS + STOP_TIMEOUT))
    [[ $sig == KILL ]] && deadline=$((SECONDS + 5))
    while ((${#pids[@]})); do
        for n in "${!pids[@]}"; do
            live_pid "$n" >/dev/null || unset "pids[$n]"
        done
        ((${#pids[@]} && SECONDS < deadline)) || break
        sleep 0.3
    done
    for n in "${!pids[@]}"; do
        log "$n (pid ${pids[$n]}) did not stop within ${STOP_TIMEOUT}s: SIGKILL"
        kill -s KILL "${pids[$n]}" 2>/dev/null || true
    done
    # nginx workers orphaned by a killed master: only the exact processes seen as its children
    local j kp ks
    local -a k
    for n in "${!kids[@]}"; do
        IFS=, read -r -a k <<<"${kids[$n]}"
        for kp in "${k[@]+"${k[@]}"}"; do
            read -r kp ks <<<"$kp"
            if [[ -n $kp && $(proc_starttime "$kp" 2>/dev/null) == "$ks" ]]; then kill -s KILL "$kp" 2>/dev/null || true; fi
        done
    done
    for n in "$@"; do
        for ((j = 0; j < 20; j++)); do live_pid "$n" >/dev/null || break; sleep 0.1; done
        [[ $n == nginx ]] || rm -f -- "$RUN/$n.pid"
    done
    [[ " $* " == *" nginx "* ]] && ! live_pid nginx >/dev/null && rm -f -- "$RUN/nginx.pid"
    return 0
}

start_proc() { # name workdir command... (environment already exported by the caller's subshell)
    local name=$1 dir=$2 pid start
    shift 2
    echo "=== $(date '+%F %T') starting $name: $*" >>"$LOGS/$name.log"
    (
        cd -- "$dir" || exit 1
        local fd
        for fd in "/proc/$BASHPID/fd/"*; do # a daemon keeps no inherited descriptor (the lock, a caller's pipes)
            fd=${fd##*/}
            if ((fd > 2)); then exec {fd}>&-; fi
        done 2>/dev/null
        exec setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1
    ) &
    pid=$!
    start=$(proc_starttime "$pid") || die "$name exited immediately: $(tail -n 20 "$LOGS/$name.log")"
    echo "$pid $start" >"$RUN/$name.pid"
    log "started $name (pid $pid) $(ports_of "$name" | sed 's/^/ports /')"
}

start_azurite() {
    mkdir -p -- "$STATE/azurite"
    start_proc azurite "$STATE" "$AZURITE_BIN" --silent --location "$STATE/azurite" \
        --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" \
        --queueHost 127.0.0.1 --queuePort "$((AZURITE_PORT + 1))" \
        --tableHost 127.0.0.1 --tablePort "$((AZURITE_PORT + 2))" \
        --skipApiVersionCheck --loose --disableTelemetry # telemetry: outbound calls, and it delays exit on SIGTERM
}

cluster_env() {
    export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
    export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production}
    export Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat='HH:mm:ss '
    export Logging__Console__FormatterOptions__SingleLine=true
    export Cluster__Clustering=AzureStorage
    export Cluster__StorageConnectionString
    Cluster__StorageConnectionString=$(connection_string)
    export Cluster__ClusterId=$CLUSTER_ID Cluster__ServiceId=$SERVICE_ID Cluster__AdvertisedAddress=127.0.0.1
}

# Per-request ASP.NET Core logs (every /healthz poll) would bury the rest; nginx-access.log has the requests.
QUIET_ASPNETCORE=(--Logging:LogLevel:Microsoft.AspNetCore=Warning)

start_silo() { # N
    local n=$1
    (
        cluster_env
        export Cluster__GrainStorage=AzureTable Cluster__Reminders=AzureTable
        export Cluster__SiloPort=$((SILO_PORT + n - 1)) Cluster__GatewayPort=$((GATEWAY_PORT + n - 1))
        start_proc "silo$n" "$BIN/silo" dotnet "$BIN/silo/SessionGrains.Silo.dll" \
            --urls "http://127.0.0.1:$((SILO_HEALTH_PORT + n - 1))" "${QUIET_ASPNETCORE[@]}"
    )
}

start_web() { # N
    local n=$1
    (
        cluster_env
        export Cluster__Mode=Client
        export Session__Secrets__0
        Session__Secrets__0=$(cat "$STATE/secret")
        start_proc "web$n" "$BIN/web" dotnet "$BIN/web/SessionGrains.Web.dll" --urls "http://127.0.0.1:$((WEB_PORT + n - 1))" \
            "${QUIET_ASPNETCORE[@]}"
    )
}

render_nginx_conf() {
    local tpl ups="" i user=""
    tpl=$(<"$SCRIPT_DIR/nginx.conf.template")
    for ((i = 1; i <= WEBS; i++)); do ups+="server 127.0.0.1:$((WEB_PORT + i - 1)) max_fails=1 fail_timeout=2s; "; done
    ((EUID == 0)) && user="user nobody nogroup;"
    tpl=${tpl//@USER@/$user}
    tpl=${tpl//@RUN@/$RUN}
    tpl=${tpl//@LOGS@/$LOGS}
    tpl=${tpl//@NGINX@/$NGINX_DIR}
    tpl=${tpl//@UPSTREAMS@/$ups}
    tpl=${tpl//@PORT@/$NGINX_PORT}
    mkdir -p -- "$NGINX_DIR"
    printf '%s\n' "$tpl" >"$NGINX_CONF"
}

start_nginx() {
    local nginx i
    nginx=$(nginx_bin) || die "nginx not found"
    render_nginx_conf
    echo "=== $(date '+%F %T') starting nginx: $nginx -c $NGINX_CONF" >>"$LOGS/nginx.log"
    timeout 20 "$nginx" -t -q -c "$NGINX_CONF" -p "$NGINX_DIR/" -e "$LOGS/nginx-error.log" </dev/null >>"$LOGS/nginx.log" 2>&1 9>&- ||
        die "nginx rejected $NGINX_CONF: $(tail -n 20 "$LOGS/nginx.log")"
    timeout 20 "$nginx" -c "$NGINX_CONF" -p "$NGINX_DIR/" -e "$LOGS/nginx-error.log" </dev/null >>"$LOGS/nginx.log" 2>&1 9>&- ||
        die "nginx failed to start: $(tail -n 20 "$LOGS/nginx.log"; tail -n 20 "$LOGS/nginx-error.log" 2>/dev/null)"
    for ((i = 0; i < 50; i++)); do live_pid nginx >/dev/null && break; sleep 0.1; done
    live_pid nginx >/dev/null || die "nginx did not write $RUN/nginx.pid: $(tail -n 20 "$LOGS/nginx-error.log" 2>/dev/null)"
    log "started nginx (pid $(live_pid nginx)) port $NGINX_PORT"
}

wait_healthy() { # name... : until each answers its health check, at most TIMEOUT seconds
    local deadline=$((SECONDS + TIMEOUT)) n
    local -a pending=("$@") still
    while ((${#pending[@]})); do
        still=()
        for n in "${pending[@]}"; do
            if ! live_pid "$n" >/dev/null; then
                log "$n is not running. Last lines of its log:"
                tail_log "$n"
                return 1
            fi
            healthy "$n" || still+=("$n")
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]})) || break
        if ((SECONDS >= deadline)); then
            for n in "${pending[@]}"; do
                probe "$(health_url "$n")"
                log "$n not healthy after ${TIMEOUT}s: $(health_url "$n") -> $HTTP_CODE ${HTTP_BODY:0:200}"
                tail_log "$n"
            done
            return 1
        fi
        sleep 0.5
    done
}

tail_log() {
    local file=$LOGS/$1.log
    [[ $1 != nginx ]] || file=$LOGS/nginx-error.log
    [[ ! -f $file ]] || tail -n "${2:-25}" -- "$file" | sed "s/^/  [$1] /" >&2
    return 0
}

# ---------------------------------------------------------------- installation and build

nginx_bin() {
    command -v nginx 2>/dev/null && return 0
    [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx && return 0
    return 1
}

as_root() {
    if ((EUID == 0)); then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

ensure_tools() {
    command -v dotnet >/dev/null || die "dotnet (the .NET 10 SDK) is not on PATH"
    command -v curl >/dev/null || die "curl is required"
    if ! nginx_bin >/dev/null; then
        command -v apt-get >/dev/null || die "nginx is missing and apt-get is not available: install nginx"
        log "installing nginx (apt-get; output in $LOGS/install.log)"
        # Debian starts its own nginx service (port 80) on install where services may start; the farm does not use it.
        as_root env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update </dev/null >>"$LOGS/install.log" 2>&1 9>&- ||
            die "apt-get update failed: $(tail -n 20 "$LOGS/install.log")"
        as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y nginx </dev/null >>"$LOGS/install.log" 2>&1 9>&- ||
            die "apt-get install nginx failed: $(tail -n 20 "$LOGS/install.log")"
        nginx_bin >/dev/null || die "nginx still not found after installing it"
    fi
    if [[ ! -x $AZURITE_BIN ]]; then
        command -v npm >/dev/null || die "npm (node 20+) is required for Azurite"
        log "installing Azurite (npm ci in $SCRIPT_DIR; output in $LOGS/install.log)"
        # One installer at a time (the integration tests' Azurite fixture takes the same lock); the loser finds it done.
        (cd -- "$SCRIPT_DIR" && exec 8>"$SCRIPT_DIR/.install.lock" && flock 8 &&
            { [[ -x $AZURITE_BIN ]] || timeout 600 npm ci --no-audit --no-fund </dev/null >>"$LOGS/install.log" 2>&1 9>&-; }) ||
            die "npm ci failed: $(tail -n 20 "$LOGS/install.log")"
        [[ -x $AZURITE_BIN ]] || die "npm ci did not install $AZURITE_BIN"
    fi
}

source_fingerprint() { # what the published binaries depend on
    (
        cd -- "$ROOT"
        {
            find src -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0
            for f in Directory.Build.props Directory.Packages.props Directory.Build.targets nuget.config global.json; do
                if [[ -f $f ]]; then printf '%s\0' "$f"; fi
            done
        } | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
    )
}

publish() {
    local fp
    fp="$(source_fingerprint) $(dotnet --version 2>/dev/null)"
    if [[ -f $BIN/.fingerprint && $(<"$BIN/.fingerprint") == "$fp" &&
        -f $BIN/silo/SessionGrains.Silo.dll && -f $BIN/web/SessionGrains.Web.dll ]]; then
        log "binaries up to date ($BIN)"
        return 0
    fi
    rm -f -- "$BIN/.fingerprint"
    local p
    for p in Silo Web; do
        local out=$BIN/${p,,}
        log "publishing SessionGrains.$p (Release) to $out (output in $LOGS/build.log)"
        # Own artifacts folder (no src/*/obj shared with other builds) and no lingering build servers.
        (
            cd -- "$ROOT"
            export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
            exec timeout 900 dotnet publish "src/SessionGrains.$p/SessionGrains.$p.csproj" -c Release -o "$out" \
                --artifacts-path "$STATE/build" -nodeReuse:false -p:UseSharedCompilation=false -p:UseRazorBuildServer=false \
                </dev/null >>"$LOGS/build.log" 2>&1 9>&-
        ) || die "dotnet publish SessionGrains.$p failed:
$(grep -E ' error |error [A-Z]+[0-9]+' "$LOGS/build.log" | sort -u | tail -n 20)
$(tail -n 15 "$LOGS/build.log")"
    done
    echo "$fp" >"$BIN/.fingerprint"
}

# ---------------------------------------------------------------- commands

lock() {
    exec 9>"$STATE/.lock"
    flock -w 60 9 || die "another farm.sh command holds $STATE/.lock"
}

running_names() {
    local n
    for n in $(names); do live_pid "$n" >/dev/null && echo "$n"; done
    return 0
}

UP_DONE=0
up_cleanup() {
    local rc=$?
    ((UP_DONE)) && return 0
    trap - EXIT INT TERM
    if [[ ${FARM_KEEP_ON_FAILURE:-0} == 1 ]]; then
        log "up failed; FARM_KEEP_ON_FAILURE=1: leaving what started running (farm.sh down to stop it)"
    else
        log "up failed: stopping what it started (logs stay in $LOGS)"
        STOP_TIMEOUT=10
        stop_all
    fi
    exit $((rc == 0 ? 1 : rc))
}

cmd_up() {
    lock
    load_settings
    local running
    running=$(running_names | tr '\n' ' ')
    [[ -z $running ]] || die "the farm is already up ($running); farm.sh status, or farm.sh down first"
    local t0=$SECONDS
    fresh_settings
    local n p busy=()
    for n in $(names); do
        for p in $(ports_of "$n"); do port_busy "$p" && busy+=("$p ($n)"); done
    done
    if ((${#busy[@]})); then
        log "ports already in use on 127.0.0.1: ${busy[*]}"
        if command -v ss >/dev/null; then # who holds them
            ss -ltnp 2>/dev/null | grep -E ":($(printf '%s|' "${busy[@]%% *}" | sed 's/|$//'))\b" | sed 's/^/  /' >&2 || true
        fi
        die "stop whatever holds them, or move the farm (FARM_AZURITE_PORT, FARM_SILO_PORT, FARM_GATEWAY_PORT, FARM_SILO_HEALTH_PORT, FARM_WEB_PORT, FARM_NGINX_PORT)"
    fi
    save_settings
    mkdir -p -- "$RUN" "$BIN" "$NGINX_DIR"
    rm -f -- "$RUN"/*.pid
    if [[ -d $LOGS ]]; then rm -rf -- "$LOGS.prev" && mv -- "$LOGS" "$LOGS.prev"; fi
    mkdir -p -- "$LOGS"

    ensure_tools
    publish
    if [[ ! -s $STATE/secret ]]; then
        (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n/+=' >"$STATE/secret")
        log "generated the session cookie secret ($STATE/secret)"
    fi

    trap up_cleanup EXIT
    trap 'exit 130' INT TERM
    log "cluster $CLUSTER_ID (service $SERVICE_ID)"
    start_azurite
    wait_healthy azurite || exit 1
    local i
    for ((i = 1; i <= SILOS; i++)); do start_silo "$i"; done
    for ((i = 1; i <= WEBS; i++)); do start_web "$i"; done # client mode: they keep retrying until the cluster is up
    log "waiting (at most ${TIMEOUT}s) for every /healthz"
    # shellcheck disable=SC2046
    wait_healthy $(names | grep -v nginx) || exit 1
    start_nginx # after the front ends listen: nginx would otherwise mark them failed for fail_timeout
    wait_healthy nginx || exit 1
    UP_DONE=1
    trap - EXIT INT TERM
    log "farm up in $((SECONDS - t0))s"
    print_urls
}

print_urls() {
    local i
    echo "SessionGrains farm is up (cluster $CLUSTER_ID):"
    echo "  load balancer   http://127.0.0.1:$NGINX_PORT/   (nginx round robin)"
    for ((i = 1; i <= WEBS; i++)); do echo "  front end $i     http://127.0.0.1:$((WEB_PORT + i - 1))/"; done
    for ((i = 1; i <= SILOS; i++)); do
        echo "  silo $i          http://127.0.0.1:$((SILO_HEALTH_PORT + i - 1))/healthz   (silo port $((SILO_PORT + i - 1)), gateway $((GATEWAY_PORT + i - 1)))"
    done
    echo "  Azurite         127.0.0.1:$AZURITE_PORT-$((AZURITE_PORT + 2))   (data in $STATE/azurite)"
    echo "  logs            $LOGS/"
}

cmd_down() {
    lock
    load_settings
    local running
    running=$(running_names | tr '\n' ' ')
    if [[ -z $running ]]; then
        log "nothing running"
        rm -f -- "$RUN"/*.pid 2>/dev/null || true
        return 0
    fi
    stop_all
    log "farm down"
}

stop_all() { # front door first, storage last: silos persist sessions to Azurite while they shut down
    local i silos=() webs=()
    for ((i = 1; i <= SILOS; i++)); do silos+=("silo$i"); done
    for ((i = 1; i <= WEBS; i++)); do webs+=("web$i"); done
    stop_names TERM nginx
    stop_names TERM "${webs[@]}"
    stop_names TERM "${silos[@]}"
    stop_names TERM azurite
}

cmd_status() {
    load_settings
    local n pid any=0 bad=0
    [[ -n $CLUSTER_ID ]] && echo "cluster $CLUSTER_ID (service $SERVICE_ID), state $STATE"
    printf '%-8s %-8s %-8s %s\n' NAME PID STATE HEALTH
    for n in $(names); do
        if pid=$(live_pid "$n"); then
            any=1
            healthy "$n" || bad=1
            local body=$HTTP_BODY
            [[ $n != azurite ]] || body="(storage answers)"
            printf '%-8s %-8s %-8s %s %s\n' "$n" "$pid" alive "$HTTP_CODE" "${body:0:70}"
        else
            printf '%-8s %-8s %-8s %s\n' "$n" - stopped -
            bad=1
        fi
    done
    ((any)) || echo "the farm is down"
    return $bad
}

silo_or_web() { # kind N -> name, validated
    local kind=$1 n=${2:-} max
    [[ $kind == silo ]] && max=$SILOS || max=$WEBS
    if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 1 || n > max)); then die "usage: farm.sh ${ACTION} N (N = 1..$max)"; fi
    echo "$kind$n"
}

cmd_kill() { # kind N
    lock
    load_settings
    local name pid
    name=$(silo_or_web "$@")
    pid=$(live_pid "$name") || die "$name is not running"
    STOP_TIMEOUT=5
    stop_names KILL "$name"
    log "$name (pid $pid) killed"
}

cmd_stop() { # kind N
    lock
    load_settings
    local name
    name=$(silo_or_web "$@")
    live_pid "$name" >/dev/null || { log "$name is not running"; return 0; }
    stop_names TERM "$name"
    log "$name stopped"
}

cmd_restart() { # kind N
    lock
    load_settings
    [[ -n $CLUSTER_ID ]] || die "no farm settings in $FARM_ENV: run farm.sh up"
    local name t0=$SECONDS p
    name=$(silo_or_web "$@")
    live_pid azurite >/dev/null || die "Azurite is not running: run farm.sh down && farm.sh up"
    if live_pid "$name" >/dev/null; then stop_names TERM "$name"; fi
    for p in $(ports_of "$name"); do
        local i
        for ((i = 0; i < 20; i++)); do port_busy "$p" || break; sleep 0.5; done
        port_busy "$p" && die "port $p of $name is still in use"
    done
    if [[ $1 == silo ]]; then start_silo "${name#silo}"; else start_web "${name#web}"; fi
    wait_healthy "$name" || die "$name did not become healthy (log: $LOGS/$name.log)"
    log "$name healthy in $((SECONDS - t0))s"
}

cmd_logs() {
    load_settings
    local n=${1:-} f
    [[ -n $n ]] || { ls -1 "$LOGS"; return 0; }
    f=$LOGS/$n.log
    [[ -f $f ]] || f=$LOGS/$n
    [[ -f $f ]] || die "no log $n in $LOGS"
    tail -n "${2:-50}" -- "$f"
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

ACTION=${1:-help}
shift || true
case $ACTION in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    kill-silo | stop-silo | restart-silo | start-silo | kill-web | stop-web | restart-web | start-web)
        verb=${ACTION%%-*} kind=${ACTION#*-}
        case $verb in
            kill) cmd_kill "$kind" "$@" ;;
            stop) cmd_stop "$kind" "$@" ;;
            restart | start) cmd_restart "$kind" "$@" ;;
        esac
        ;;
    logs) cmd_logs "$@" ;;
    help | -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
esac
