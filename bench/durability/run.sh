#!/usr/bin/env bash
# Two ways of keeping the H2 file database durable, side by side: Pathors create+end through
# the gateway with H2 writing its file at every commit (WRITE_DELAY=0, the ledger journal
# off) and as shipped (the ledger journal, H2 writing its file in the background),
# alternating. Both lose nothing to a kill -9 (CrashSafetyTests).
# Usage: bench/durability/run.sh [connections] [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${1:-8}
SECONDS_PER_RUN=${2:-20}
ROUNDS=${3:-2}
. .mvn/jdk.sh

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need wrk wrk
need nginx nginx-light
[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ] || { apt-get update -qq && apt-get install -y -qq libnginx-mod-http-echo; }
[ -f target/session-gateway.jar ] || ./mvnw -q -DskipTests package

WORK=$(mktemp -d)
cleanup() {
  [ -n "${GATEWAY_PID-}" ] && kill "$GATEWAY_PID" 2>/dev/null || true
  [ -n "${NGINX_PID-}" ] && kill "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

nginx -c "$PWD/bench/durability/nginx.conf" &
NGINX_PID=$!
sleep 1
reply=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"session_id":"check-1"}' \
  http://127.0.0.1:18091/v1/projects/p/sessions)
[ "$reply" = '{"sessionId":"check-1","pathwayId":"pw"}' ] || { echo "stub answers wrongly: $reply"; exit 1; }

start_gateway() { # $1: datasource url, $2: whether the ledger journal is on
  GATEWAY_PATHORS_BASE_URL=http://127.0.0.1:18091 GATEWAY_KONPRO_BASE_URL=http://127.0.0.1:18091 \
  GATEWAY_PATHORS_API_KEY=dk_bench_not_a_real_key GATEWAY_KONPRO_API_KEY=bench-konpro-not-a-real-key \
  GATEWAY_CLIENTS_0_NAME=bench GATEWAY_CLIENTS_0_ROLES=sessions GATEWAY_CLIENTS_0_PATHORS_PROJECTS='*' \
  GATEWAY_CLIENTS_0_KEY_SHA256=$(printf %s bench-service-key | sha256sum | cut -d' ' -f1) \
  SPRING_DATASOURCE_URL="$1" GATEWAY_LEDGER_JOURNAL="$2" SERVER_PORT=18090 LOGGING_LEVEL_ROOT=WARN \
  "$JAVA_HOME/bin/java" -Xmx512m -jar target/session-gateway.jar > "$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  for _ in $(seq 1 120); do
    curl -sf http://127.0.0.1:18090/actuator/health/readiness >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  cat "$WORK/gateway.log"; exit 1
}

measure() { # $1: label, $2: url, $3: whether the ledger journal is on
  rm -rf "$WORK/db"; mkdir -p "$WORK/db"
  start_gateway "$2" "$3"
  wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d5s -s bench/durability/create-end.lua http://127.0.0.1:18090 \
    -- "warm-$RANDOM" > /dev/null
  out=$(wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency \
    -s bench/durability/create-end.lua http://127.0.0.1:18090 -- "run-$RANDOM")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; GATEWAY_PID=
  echo "$1 $rps $p50 $p99 ${bad:-0}"
}

echo "cores: $(nproc), JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run"
printf '%-22s %10s %9s %9s %8s\n' setting 'req/s' p50 p99 non-2xx
results=()
for round in $(seq 1 "$ROUNDS"); do
  for setting in file-per-commit journal; do
    if [ "$setting" = file-per-commit ]; then url="jdbc:h2:file:$WORK/db/gateway;WRITE_DELAY=0"; journal=false
    else url="jdbc:h2:file:$WORK/db/gateway"; journal=true; fi
    line=$(measure "$setting" "$url" "$journal")
    results+=("$line")
    printf '%-22s %10s %9s %9s %8s\n' $line
  done
done
printf '%s\n' "${results[@]}" | awk '{sum[$1]+=$2; n[$1]++} END {d=sum["file-per-commit"]/n["file-per-commit"]; l=sum["journal"]/n["journal"]; printf "mean req/s: file at every commit %.0f, journal %.0f, ratio %.2f\n", d, l, l/d}'
