#!/usr/bin/env bash
# Ingest benchmark: starts the packaged cost-tracker with its embedded PostgreSQL in a fresh data
# directory on a free port, posts EVENTS synthetic events (default 300000) in batches of 1000 from
# CONCURRENCY (default 4) connections with IngestBench.java, and prints events/s plus the CPU seconds
# that the JVM and the PostgreSQL processes spent per 1000 events (read from /proc, so the cost per
# event can be told apart from a busy machine). Stops everything it started. Linux only.
#   bench/ingest-bench.sh [events] [concurrency] [batch]      (JAVA_OPTS: extra JVM options, e.g. -XX:StartFlightRecording; JAR: another build)
set -euo pipefail
cd "$(dirname "$0")"
EVENTS=${1:-300000}
CONC=${2:-4}
BATCH=${3:-1000}
JAR=${JAR:-../target/quarkus-app/quarkus-run.jar}
JAVA=java
if [[ -n ${JAVA_HOME:-} ]]; then JAVA=$JAVA_HOME/bin/java; elif [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
  JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; fi
[[ -f $JAR ]] || { echo "build first: ./mvnw -pl cost-tracker package -DskipTests" >&2; exit 1; }
DATA=$(mktemp -d /tmp/cost-tracker-bench.XXXXXX)
PORT=$((20000 + RANDOM % 20000))
export COST_TRACKER_DATA_DIR=$DATA/pg LITELLM_MASTER_KEY=bench-master QUARKUS_HTTP_PORT=$PORT
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$JAVA" ${JAVA_OPTS:-} -jar "$JAR" >"$DATA/app.log" 2>&1 &
APP=$!
# errexit also applies here: without "|| true" the non-zero status of the killed JVM skipped the rm
cleanup() { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || { echo "cost-tracker did not start:" >&2; tail -20 "$DATA/app.log" >&2; exit 1; }
ticks() { # utime+stime of the JVM, and of the embedded postmaster, its exited and its live children
  local j p pm pid
  j=$(awk '{print $14 + $15}' "/proc/$APP/stat")
  pm=$(head -1 "$DATA/pg/postmaster.pid")
  p=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for pid in $(pgrep -P "$pm" || true); do
    p=$((p + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$j $p"
}
HZ=$(getconf CLK_TCK)
# warm-up (JIT, caches), not counted
"$JAVA" IngestBench.java "http://127.0.0.1:$PORT" 50000 "$BATCH" "$CONC" bench-master >/dev/null
read -r j0 p0 < <(ticks)
load0=$(cut -d' ' -f1 /proc/loadavg)
# the load generator's own CPU time too (it shares the 2 cores), where GNU time is installed
GEN=()
[[ -x /usr/bin/time ]] && GEN=(/usr/bin/time -f '%U %S' -o "$DATA/gen.time")
"${GEN[@]}" "$JAVA" IngestBench.java "http://127.0.0.1:$PORT" "$EVENTS" "$BATCH" "$CONC" bench-master
read -r j1 p1 < <(ticks)
load1=$(cut -d' ' -f1 /proc/loadavg)
awk -v j=$((j1 - j0)) -v p=$((p1 - p0)) -v hz="$HZ" -v n="$EVENTS" -v l0="$load0" -v l1="$load1" 'BEGIN {
  printf "cpu per 1000 events: jvm %.1f ms, postgres %.1f ms, total %.1f ms -> at most %.0f events/s on 2 idle cores\n",
    j / hz * 1000000 / n, p / hz * 1000000 / n, (j + p) / hz * 1000000 / n, 2 * n / ((j + p) / hz)
  printf "load average before/after: %s / %s (2 cores)\n", l0, l1 }'
[[ -f $DATA/gen.time ]] && awk -v n="$EVENTS" '{ printf "load generator: %.1f ms CPU per 1000 events\n", ($1 + $2) * 1000000 / n }' "$DATA/gen.time"
curl -s "http://127.0.0.1:$PORT/q/metrics" | grep -E '^cost_tracker_ingest_((phase|batch)_duration_seconds|group_events)_(sum|count)' || true
