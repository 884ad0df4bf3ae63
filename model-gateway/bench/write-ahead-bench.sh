#!/usr/bin/env bash
# The write-ahead journal alone: calls/s, wait for durability (p50/p99) and forces per call at 1, 8 and 64
# concurrent callers, with group-commit windows 0 and 200us. The directory decides the disk measured.
# Usage: model-gateway/bench/write-ahead-bench.sh [seconds-per-case] [directory]   (needs: mvn test-compile)
set -euo pipefail
cd "$(dirname "$0")/.."
CP_FILE=target/bench-classpath.txt
# the test classpath names the shared test support: resolvable from the local repository once installed
(cd .. && ./mvnw -B -ntp -q -pl infra/test-support -am install -DskipTests) >/dev/null
../mvnw -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
DIR="${2:-$(mktemp -d)}"
trap 'rm -rf "$DIR"/j-*' EXIT
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xms256m -Xmx256m \
  -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  com.acme.mpc.gateway.usage.WriteAheadJournalBenchmark "${1:-5}" "$DIR"
