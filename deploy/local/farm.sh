#!/usr/bin/env bash
# The SessionGrains local web farm, all on 127.0.0.1: Azurite (Azure Storage emulator), 3 Orleans silos (Azure
# Storage clustering, Azure Table grain storage and reminders), 2 demo front ends in client mode sharing one cookie
# secret, an express front end (deploy/local/express: express-session on connect-sessiongrains) on the same cookie and
# sessions under /express/, and nginx round-robin over the front ends. The express front end reaches the front ends'
# session API (/session-store, a generated bearer token) through nginx's internal port; the public port refuses it.
#
#   deploy/local/farm.sh up [--storage azure|redis|postgres]   build, start, wait until every /healthz/ready is 200 (at
#                                  most FARM_TIMEOUT s), print URLs; redis: Debian's redis-server (append-only file, fsync
#                                  every second) holds membership, sessions and reminders instead of Azurite; postgres:
#                                  Debian's PostgreSQL (initdb into the state folder, trust auth on 127.0.0.1 only, run as
#                                  the postgres user when root) with the AdoNet providers, its schema applied by the
#                                  published silo's `dotnet SessionGrains.Silo.dll setup-database` before any silo starts
#   deploy/local/farm.sh down      SIGTERM what `up` started (front door first, storage last), SIGKILL after 30 s
#   deploy/local/farm.sh status    pid, alive, health per process; exits 1 unless all are up and healthy
#   deploy/local/farm.sh kill-silo N... | stop-silo N... | restart-silo N...   (N = 1..3, one or more, acted on
#                                  together; SIGKILL | SIGTERM | graceful stop if running, start with the same ports, wait
#                                  until all are healthy); also kill-web/stop-web/restart-web, and kill-express/stop-express/
#                                  restart-express (no N). After every silo crashed,
#                                  restart them together (restart-silo 1 2 3): a silo that starts alone cannot join until
#                                  the others' membership rows go stale (Cluster:FailureDetection, see the README)
#   deploy/local/farm.sh logs [NAME [LINES]]                           (NAME = azurite, redis or postgres, setup-database, silo1, web2, express, nginx-access, build...)
#
# State, binaries, logs and Azurite's, Redis's or PostgreSQL's data live in deploy/local/.farm/ (FARM_STATE overrides it). Every process is
# recorded as "pid starttime" in .farm/run/, and only those exact processes are ever signalled.
#
# Environment overrides (defaults in brackets): FARM_STATE [deploy/local/.farm], FARM_STORAGE [azure], FARM_AZURITE_PORT
# [10000; queue +1, table +2], FARM_REDIS_PORT [6390], FARM_POSTGRES_PORT [5440], FARM_SILO_PORT [11111], FARM_GATEWAY_PORT [30001], FARM_SILO_HEALTH_PORT [8081], FARM_WEB_PORT [5001],
# FARM_NGINX_PORT [8080], FARM_STORE_API_PORT [8090, nginx's internal session API port], FARM_EXPRESS_PORT [5080],
# FARM_EXPRESS [1; 0 leaves the express front end out], FARM_SILOS [3], FARM_WEBS [2], FARM_TIMEOUT [90 s, health wait], FARM_STOP_TIMEOUT [30 s],
# FARM_SERVICE_ID [sessiongrains-farm], FARM_KEEP_ON_FAILURE [0: a failed `up` stops what it started].
#
# The supervisor itself is the .NET program in deploy/local/SessionGrains.LocalFarm (the integration tests use it
# in-process); this script builds it into .farm/build/tool when it is missing or older than its sources, and runs it.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
PROJECT=$SCRIPT_DIR/SessionGrains.LocalFarm
BUILD=${FARM_STATE:-$SCRIPT_DIR/.farm}/build
TOOL=$BUILD/tool/SessionGrains.LocalFarm.dll

command -v dotnet >/dev/null || { echo "farm.sh: dotnet (the .NET 10 SDK) is not on PATH" >&2; exit 1; }
if [[ ! -f $TOOL || -n $(find "$PROJECT" "$ROOT"/Directory.*.props -newer "$TOOL" -type f -not -path '*/bin/*' -not -path '*/obj/*' -print -quit) ]]; then
    mkdir -p -- "$BUILD"
    echo "$(date +%H:%M:%S) farm: building the farm supervisor (output in $BUILD/tool.log)" >&2
    # Own artifacts folder (no obj shared with other builds) and no lingering build servers.
    DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1 \
        dotnet build "$PROJECT" -c Release -o "$BUILD/tool" --artifacts-path "$BUILD" -nodeReuse:false \
        -p:UseSharedCompilation=false </dev/null >"$BUILD/tool.log" 2>&1 || { tail -n 30 -- "$BUILD/tool.log" >&2; exit 1; }
    touch -- "$TOOL"
fi
FARM_ROOT=$ROOT exec dotnet "$TOOL" "$@"
