#!/usr/bin/env bash
# Loads each committed gateway config (infra/gateway/config.yaml, config.demo.yaml and the config.yaml
# of k8s/model-gateway-config.yml) into the real model-gateway (its built jar), with no provider key
# set, as a fresh install has, and checks that the gateway becomes ready and answers demo-chat.
# Usage: check-gateway-configs.sh GATEWAY_JAR
set -uo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="${1:?usage: check-gateway-configs.sh GATEWAY_JAR}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
TMP="$(mktemp -d)"
PID=""
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# The ConfigMap's embedded file: every line of the `config.yaml: |` block, 4-space indent removed.
awk '/^  config.yaml: \|/ { on = 1; next } on && /^    / { print substr($0, 5); next } on && /^$/ { print; next } on { exit }' \
  "$REPO_DIR/k8s/model-gateway-config.yml" >"$TMP/k8s-config.yaml"

failures=0
port=14300
for config in "$REPO_DIR/infra/gateway/config.yaml" "$REPO_DIR/infra/gateway/config.demo.yaml" "$TMP/k8s-config.yaml"; do
  name="${config#"$REPO_DIR"/}"
  [[ "$config" == "$TMP/k8s-config.yaml" ]] && name="k8s/model-gateway-config.yml (config.yaml)"
  port=$((port + 1))
  env -i PATH="$PATH" LITELLM_MASTER_KEY=sk-config-check CONFIG_FILE_PATH="$config" \
    OLLAMA_API_BASE=http://127.0.0.1:11434 REDIS_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 "$JAVA" -jar "$JAR" >"$TMP/gateway.log" 2>&1 &
  PID=$!
  ready=false
  for _ in $(seq 1 240); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health/readiness")" == 200 ]]; then
      ready=true
      break
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.25
  done
  answer=""
  if [[ "$ready" == true ]]; then
    answer="$(curl -s --max-time 10 "http://127.0.0.1:$port/v1/chat/completions" -H 'Authorization: Bearer sk-config-check' \
      -H 'Content-Type: application/json' -d '{"model":"demo-chat","messages":[{"role":"user","content":"hi"}]}')"
  fi
  if [[ "$answer" == *'"choices"'* ]]; then
    echo "ok   - $name: loaded, ready, demo-chat answers"
  else
    echo "FAIL - $name: ready=$ready answer=${answer:0:200}"
    grep -E 'ERROR|invalid|  model_list|  router|  general|  litellm' "$TMP/gateway.log" | head -n 15
    failures=$((failures + 1))
  fi
  kill "$PID" 2>/dev/null
  wait "$PID" 2>/dev/null
  PID=""
done
exit "$failures"
