#!/usr/bin/env bash
# What write-ahead usage costs on the gateway's hot path: the same fast local OpenAI-compatible upstream as
# gateway-bench.sh (nginx answering a fixed chat.completion JSON and a fixed SSE stream from memory), the packaged
# gateway started twice on a fresh spool, with gateway.usage.write-ahead.enabled=true and =false, and wrk at 1, 8
# and 64 connections, JSON and streaming. Prints RPS, p50 and p99 for both and the journal's forces (fsyncs) per
# call. Usage delivery points at a port nothing listens on, so the records stay in the spool (write-ahead is only
# active with gateway.cost-tracker.url set); the master key is used (no key lookups). Gateway pinned to CPU 0, nginx
# and wrk to CPU 1.
#
# Usage: infra/bench/write-ahead-bench.sh [--duration SECONDS] [--spool-dir DIR]
#   --spool-dir: where the spool and journal go (default: a temp dir; put it on the disk you want to measure)
# Needs: nginx, wrk, taskset, curl, JDK 25, a built gateway (./mvnw -pl model-gateway -am package -DskipTests).
# Ports 18210-18212 on 127.0.0.1; every load run is bounded in time.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION=8
SPOOL_BASE=""
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --spool-dir) SPOOL_BASE="$2"; shift 2 ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
for tool in nginx wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install nginx-light wrk util-linux curl)" >&2; exit 1; }
done
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
DOCKERFILE="$REPO/model-gateway/src/main/docker/Dockerfile.jvm"
if [[ -z "${GATEWAY_JVM_OPTS:-}" ]]; then
  GATEWAY_JVM_OPTS="$(sed -n 's/^ENV GC_CONTAINER_OPTIONS="\(.*\)"/\1/p' "$DOCKERFILE")"
  GATEWAY_JVM_OPTS+=" $(sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"/\1/p' "$DOCKERFILE" | grep -o -- '-X[^ ]*' | tr '\n' ' ')"
fi
JAR="$REPO/model-gateway/target/quarkus-app/quarkus-run.jar"
[[ -f "$JAR" ]] || { echo "build the gateway first: ./mvnw -pl model-gateway -am package -DskipTests" >&2; exit 1; }

WORK="$(mktemp -d)"
SPOOL_BASE="${SPOOL_BASE:-$WORK}"
UP_PORT=18210
GW_PORT=18211
CT_PORT=18212
NGINX_PID=""
GW_PID=""
cleanup() {
  if [[ -n "$GW_PID" ]]; then kill "$GW_PID" 2>/dev/null || true; fi
  if [[ -n "$NGINX_PID" ]]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

JSON_BODY='{"id":"chatcmpl-bench","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"The capital of France is Paris.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":8,"total_tokens":22}}'
SSE_BODY=""
for piece in '"role":"assistant","content":""' '"content":"The"' '"content":" capital"' '"content":" of France"' '"content":" is Paris."'; do
  SSE_BODY+="data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{${piece}},\"finish_reason\":null}]}\n\n"
done
SSE_BODY+="data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":8,\"total_tokens\":22}}\n\n"
SSE_BODY+="data: [DONE]\n\n"
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$UP_PORT;
    location = /json/v1/chat/completions { default_type application/json; return 200 '$JSON_BODY'; }
    location = /sse/v1/chat/completions { default_type text/event-stream; return 200 '$SSE_BODY'; }
  }
}
NGINX
mkdir -p "$WORK/nginx-tmp"
taskset -c 1 nginx -c "$WORK/nginx.conf" -p "$WORK/nginx-tmp" -e "$WORK/nginx-error.log" &
NGINX_PID=$!

cat >"$WORK/config.yaml" <<YAML
model_list:
  - model_name: bench-json
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$UP_PORT/json/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-json, input_cost_per_token: 1.5e-07, output_cost_per_token: 6.0e-07}
  - model_name: bench-sse
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$UP_PORT/sse/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-sse, input_cost_per_token: 1.5e-07, output_cost_per_token: 6.0e-07}
general_settings: {master_key: sk-bench-master}
YAML
for mode in json sse; do
  stream=false; [[ "$mode" == sse ]] && stream=true
  cat >"$WORK/$mode.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench-master"
wrk.body = '{"model":"bench-$mode","stream":$stream,"messages":[{"role":"user","content":"What is the capital of France?"}]}'
LUA
done

to_ms() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'; }
run() { # <mode> <conns> -> "rps p50 p99 requests"
  local out
  out=$(taskset -c 1 wrk -t1 -c"$2" -d"${DURATION}s" --latency -s "$WORK/$1.lua" "http://127.0.0.1:$GW_PORT/v1/chat/completions")
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers: $(grep Non-2xx <<<"$out")" >&2; fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")") $(awk '/requests in/ {print $1}' <<<"$out")"
}
forces() { curl -fs "http://127.0.0.1:$GW_PORT/metrics" | awk '/^gateway_usage_write_ahead_forces_total/ {printf "%.0f", $2}'; }

RESULTS="$WORK/results.txt"
printf "| write-ahead | mode | conns | RPS | p50 ms | p99 ms | journal forces per call |\n|---|---|---|---|---|---|---|\n" >"$RESULTS"
for wal in false true; do
  spool="$SPOOL_BASE/spool-$wal-$$"
  rm -rf "$spool"
  # shellcheck disable=SC2086 # GATEWAY_JVM_OPTS is a list of options
  GATEWAY_SPOOL_DIR="$spool" COST_TRACKER_URL="http://127.0.0.1:$CT_PORT" \
    taskset -c 0 "$JAVA" $GATEWAY_JVM_OPTS -Dquarkus.log.category.usage.level=WARN \
    -Dquarkus.log.category.\"com.acme.mpc.gateway.usage.CostTrackerUsageSink\".level=ERROR \
    -Dquarkus.vertx.event-loops-pool-size=1 -Dgateway.usage.write-ahead.enabled="$wal" ${GATEWAY_JAVA_OPTS:-} \
    -Dquarkus.http.port="$GW_PORT" -jar "$JAR" --config "$WORK/config.yaml" >"$WORK/gateway-$wal.log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$GW_PORT/health/liveliness" >/dev/null 2>&1 && break
    sleep 0.5
  done
  for mode in json sse; do # warm-up
    taskset -c 1 wrk -t1 -c16 -d8s -s "$WORK/$mode.lua" "http://127.0.0.1:$GW_PORT/v1/chat/completions" >/dev/null
  done
  for mode in json sse; do
    for c in 1 8 64; do
      f0=$(forces); f0=${f0:-0}
      read -r rps p50 p99 n < <(run "$mode" "$c")
      f1=$(forces); f1=${f1:-0}
      per=$(awk -v a="$f0" -v b="$f1" -v n="$n" -v w="$wal" 'BEGIN { if (w=="false" || n==0) print "-"; else printf "%.3f", (b-a)/n }')
      printf "| %s | %s | %s | %.0f | %s | %s | %s |\n" "$wal" "$mode" "$c" "$rps" "$p50" "$p99" "$per" >>"$RESULTS"
    done
  done
  kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=""
  rm -rf "$spool"
done
cat "$RESULTS"
