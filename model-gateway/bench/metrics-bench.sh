#!/usr/bin/env bash
# Request-metrics micro-benchmark: ns and bytes allocated per request (see GatewayMetricsBenchmark).
# Usage: model-gateway/bench/metrics-bench.sh [measure-ms-per-case]   (needs a compiled module: mvn test-compile)
set -euo pipefail
cd "$(dirname "$0")/.."
CP_FILE=target/bench-classpath.txt
# the test classpath names the shared test support: resolvable from the local repository once installed
(cd .. && ./mvnw -B -ntp -q -pl infra/test-support -am install -DskipTests) >/dev/null
../mvnw -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xms256m -Xmx256m \
  -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  com.acme.mpc.gateway.metrics.GatewayMetricsBenchmark "${1:-2000}"
