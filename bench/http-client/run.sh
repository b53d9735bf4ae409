#!/usr/bin/env bash
# Side-by-side comparison of the HTTP clients under RestClient against a local nginx.
# Usage: bench/http-client/run.sh [concurrency] [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/jdk.sh

if ! command -v nginx >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi
mkdir -p /tmp/session-gateway-bench-nginx-body
nginx -c "$PWD/bench/http-client/nginx.conf" &
NGINX=$!
trap 'kill $NGINX 2>/dev/null || true' EXIT
sleep 1

./mvnw -q -Dspring-javaformat.skip=true compile
./mvnw -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
CP="target/classes:$(cat target/bench-classpath.txt)"
"$JAVA_HOME/bin/java" -cp "$CP" bench/http-client/HttpClientComparison.java http://127.0.0.1:18080 "${1:-64}" "${2:-10}" "${3:-3}"
