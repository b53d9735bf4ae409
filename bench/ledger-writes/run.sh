#!/usr/bin/env bash
# The ledger's writes alone on an H2 file (LedgerWrites.java): CPU time and allocation per
# session as shipped, without the seven indexes only ops reads and periodic scans use, and
# with other page and cache sizes; each variant twice, alternating.
#   bench/ledger-writes/run.sh            (LEDGER_WARM / LEDGER_SESSIONS / LEDGER_GROUP: 15000 / 25000 / 16)
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/jdk.sh
cp=/tmp/session-gateway-ledger-writes.cp
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=runtime >/dev/null
h2=$(cat "$cp")  # the project's classpath, H2 among it
run() { "$JAVA_HOME/bin/java" -cp "$h2" bench/ledger-writes/LedgerWrites.java "$1" "${LEDGER_WARM:-15000}" \
  "${LEDGER_SESSIONS:-25000}" "${LEDGER_GROUP:-16}" ${2:+"$2"}; }
for round in 1 2; do
  run ""
  run "" bench/ledger-writes/fewer-indexes.sql
  run ";PAGE_SIZE=4096"
  run ";CACHE_SIZE=65536"
done
