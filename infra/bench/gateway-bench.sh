#!/usr/bin/env bash
# Measures what model-gateway adds on top of an upstream: a fast local OpenAI-compatible upstream (nginx serving
# fixed JSON and SSE bodies), then wrk straight to it and through the gateway in the same run, at 1, 8 and 64
# connections, JSON and streaming; then Anthropic's /v1/messages passed through to an Anthropic-wire upstream and
# translated to the OpenAI one, and OpenAI's /v1/responses passed through to a Responses-wire upstream and translated
# to a chat-only one (hosted_vllm/), at 1 and 64 connections; then a Bedrock ConverseStream (AWS's binary event stream,
# SigV4-signed request) translated to OpenAI chunks and to /v1/messages events. Prints RPS, p50 and p99 for both,
# the added latency, and the gateway's RSS idle and under load. Gateway pinned to CPU 0, nginx and wrk to CPU 1.
#
# Usage: infra/bench/gateway-bench.sh [--duration SECONDS] [--out FILE.md] [--only-bedrock]
# Needs: nginx, wrk, taskset (Debian: apt-get install nginx-light wrk util-linux), python3, JDK 25, a built gateway
# (./mvnw -pl model-gateway -am package -DskipTests). Only 127.0.0.1 is used (ports 18080, 14000, 18081; see
# BENCH_*_PORT below); every load run is bounded in time.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION=10
OUT=""
ONLY_BEDROCK=false
while (($#)); do
  case "$1" in
    --only-bedrock) ONLY_BEDROCK=true; shift ;;
    --duration) DURATION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h | --help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

for tool in nginx wrk taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install nginx-light wrk util-linux curl)" >&2; exit 1; }
done
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
# The JVM options the gateway's image ships with (GC_CONTAINER_OPTIONS and the -X options of JAVA_OPTS_APPEND in
# model-gateway/src/main/docker/Dockerfile.jvm, and its MALLOC_ARENA_MAX): override with GATEWAY_JVM_OPTS;
# GATEWAY_JAVA_OPTS adds to them.
DOCKERFILE="$REPO/model-gateway/src/main/docker/Dockerfile.jvm"
if [[ -z "${GATEWAY_JVM_OPTS:-}" ]]; then
  GATEWAY_JVM_OPTS="$(sed -n 's/^ENV GC_CONTAINER_OPTIONS="\(.*\)"/\1/p' "$DOCKERFILE")"
  GATEWAY_JVM_OPTS+=" $(sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"/\1/p' "$DOCKERFILE" | grep -o -- '-X[^ ]*' | tr '\n' ' ')"
fi
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-$(sed -n 's/^ENV MALLOC_ARENA_MAX=//p' "$DOCKERFILE")}"
JAR="$REPO/model-gateway/target/quarkus-app/quarkus-run.jar"
[[ -f "$JAR" ]] || { echo "build the gateway first: ./mvnw -pl model-gateway -am package -DskipTests" >&2; exit 1; }

WORK="$(mktemp -d)"
# ports: override with BENCH_UPSTREAM_PORT, BENCH_GATEWAY_PORT, BENCH_REF_PORT when these are taken
UP_PORT="${BENCH_UPSTREAM_PORT:-18080}"
GW_PORT="${BENCH_GATEWAY_PORT:-14000}"
REF_PORT="${BENCH_REF_PORT:-18081}"
NGINX_PID=""
REF_PID=""
GW_PID=""
cleanup() {
  if [[ -n "$GW_PID" ]]; then kill "$GW_PID" 2>/dev/null || true; fi
  if [[ -n "$NGINX_PID" ]]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  if [[ -n "$REF_PID" ]]; then kill "$REF_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- fixed upstream bodies (same shapes as OpenAI's) ---
JSON_BODY='{"id":"chatcmpl-bench","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"The capital of France is Paris.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":8,"total_tokens":22}}'
SSE_BODY=""
for piece in '"role":"assistant","content":""' '"content":"The"' '"content":" capital"' '"content":" of France"' '"content":" is Paris."'; do
  SSE_BODY+="data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{${piece}},\"finish_reason\":null}]}\n\n"
done
SSE_BODY+="data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
SSE_BODY+="data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":8,\"total_tokens\":22}}\n\n"
SSE_BODY+="data: [DONE]\n\n"
# Anthropic's Messages API (same answer), for the /v1/messages rows: pass-through to an Anthropic deployment
ANTH_JSON_BODY='{"id":"msg_bench","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"The capital of France is Paris."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":14,"output_tokens":8}}'
ANTH_SSE_BODY="event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":14,\"output_tokens\":1}}}\n\n"
ANTH_SSE_BODY+="event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
for piece in 'The' ' capital' ' of France' ' is Paris.'; do
  ANTH_SSE_BODY+="event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"${piece}\"}}\n\n"
done
ANTH_SSE_BODY+="event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
ANTH_SSE_BODY+="event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":8}}\n\n"
ANTH_SSE_BODY+="event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"

# Bedrock's Converse answer (same text), and its ConverseStream answer: application/vnd.amazon.eventstream messages with real CRC32s, as
# Bedrock frames them (string headers :event-type/:content-type/:message-type, JSON payloads with the "p" padding)
BEDROCK_JSON_BODY='{"output":{"message":{"role":"assistant","content":[{"text":"The capital of France is Paris."}]}},"stopReason":"end_turn","usage":{"inputTokens":14,"outputTokens":8,"totalTokens":22},"metrics":{"latencyMs":300}}'
mkdir -p "$WORK/bedrock"
python3 - "$WORK/bedrock/stream.bin" <<'PY'
import json, struct, sys, zlib
def frame(event, payload):
    h = b""
    for k, v in ((":event-type", event), (":content-type", "application/json"), (":message-type", "event")):
        h += bytes([len(k)]) + k.encode() + b"\x07" + struct.pack(">H", len(v)) + v.encode()
    body = json.dumps(payload, separators=(",", ":")).encode()
    prelude = struct.pack(">II", 12 + len(h) + len(body) + 4, len(h))
    msg = prelude + struct.pack(">I", zlib.crc32(prelude)) + h + body
    return msg + struct.pack(">I", zlib.crc32(msg))
events = [("messageStart", {"p": "abcdefghijklmnopqrstuvwxyzABCDEF", "role": "assistant"})]
events += [("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": t}, "p": "abcdefghijklmnop"})
           for t in ("The", " capital", " of France", " is Paris.")]
events += [("contentBlockStop", {"contentBlockIndex": 0, "p": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"}),
           ("messageStop", {"p": "abcdefghijklmnopqrstuvwxyzABCDEFGH", "stopReason": "end_turn"}),
           ("metadata", {"metrics": {"latencyMs": 300}, "p": "abcdefghijklmnopqrst",
                         "usage": {"inputTokens": 14, "outputTokens": 8, "totalTokens": 22}})]
open(sys.argv[1], "wb").write(b"".join(frame(e, p) for e, p in events))
PY
# nginx's worker runs as an unprivileged user when started as root: it must be able to read the file (mktemp -d is 0700)
chmod 755 "$WORK" "$WORK/bedrock"
chmod 644 "$WORK/bedrock/stream.bin"

# OpenAI's Responses API (same answer), for the /v1/responses pass-through rows
RESP_OBJ='"id":"resp_bench","object":"response","created_at":1741476542,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4.1","parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":false,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","user":null,"metadata":{}'
RESP_MSG='{"id":"msg_bench","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"The capital of France is Paris."}]}'
RESP_USAGE='{"input_tokens":14,"input_tokens_details":{"cached_tokens":0},"output_tokens":8,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":22}'
RESP_JSON_BODY="{$RESP_OBJ,\"status\":\"completed\",\"output\":[$RESP_MSG],\"usage\":$RESP_USAGE}"
RESP_SSE_BODY="event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{$RESP_OBJ,\"status\":\"in_progress\",\"output\":[],\"usage\":null}}\n\n"
RESP_SSE_BODY+="event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"msg_bench\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}\n\n"
seq=2
for piece in 'The' ' capital' ' of France' ' is Paris.'; do
  RESP_SSE_BODY+="event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":$seq,\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"delta\":\"${piece}\"}\n\n"
  seq=$((seq + 1))
done
RESP_SSE_BODY+="event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"sequence_number\":$seq,\"output_index\":0,\"item\":$RESP_MSG}\n\n"
RESP_SSE_BODY+="event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":$((seq + 1)),\"response\":{$RESP_OBJ,\"status\":\"completed\",\"output\":[$RESP_MSG],\"usage\":$RESP_USAGE}}\n\n"

cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_buffer_size 64k;
  server {
    listen 127.0.0.1:$UP_PORT;
    # 'return' answers any method from memory: the fastest upstream nginx can be
    location = /json/v1/chat/completions { default_type application/json; return 200 '$JSON_BODY'; }
    location = /sse/v1/chat/completions { default_type text/event-stream; return 200 '$SSE_BODY'; }
    location = /anth-json/v1/messages { default_type application/json; return 200 '$ANTH_JSON_BODY'; }
    location = /anth-sse/v1/messages { default_type text/event-stream; return 200 '$ANTH_SSE_BODY'; }
    location = /resp-json/v1/responses { default_type application/json; return 200 '$RESP_JSON_BODY'; }
    location = /resp-sse/v1/responses { default_type text/event-stream; return 200 '$RESP_SSE_BODY'; }
    # Bedrock: Converse answers JSON; any other POST under /bedrock/ gets the binary stream (static files answer POST with 405, hence the GET)
    location ~ ^/bedrock/.*/converse\$ { default_type application/json; return 200 '$BEDROCK_JSON_BODY'; }
    location /bedrock/ {
      root $WORK;
      default_type application/vnd.amazon.eventstream;
      rewrite ^ /bedrock/stream.bin break;
      error_page 405 =200 /bedrock-get/stream.bin;
    }
    location /bedrock-get/ { alias $WORK/bedrock/; default_type application/vnd.amazon.eventstream; }
  }
}
NGINX
mkdir -p "$WORK/nginx-tmp"
taskset -c 1 nginx -c "$WORK/nginx.conf" -p "$WORK/nginx-tmp" -e "$WORK/nginx-error.log" &
NGINX_PID=$!

# Reference hop: an nginx reverse proxy pinned like the gateway (CPU 0). What it adds is the price of one more
# loopback hop across the two cores on this machine, with no gateway logic at all.
cat >"$WORK/ref.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/ref.pid;
error_log $WORK/ref-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream up { server 127.0.0.1:$UP_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$REF_PORT;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
mkdir -p "$WORK/ref-tmp"
taskset -c 0 nginx -c "$WORK/ref.conf" -p "$WORK/ref-tmp" -e "$WORK/ref-error.log" &
REF_PID=$!

cat >"$WORK/config.yaml" <<YAML
model_list:
  - model_name: bench-json
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$UP_PORT/json/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-json, input_cost_per_token: 1.5e-07, output_cost_per_token: 6.0e-07}
  - model_name: bench-sse
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$UP_PORT/sse/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-sse, input_cost_per_token: 1.5e-07, output_cost_per_token: 6.0e-07}
  - model_name: bench-anth-json
    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:$UP_PORT/anth-json", api_key: sk-bench-upstream}
    model_info: {id: bench-anth-json, input_cost_per_token: 3.0e-06, output_cost_per_token: 1.5e-05}
  - model_name: bench-anth-sse
    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:$UP_PORT/anth-sse", api_key: sk-bench-upstream}
    model_info: {id: bench-anth-sse, input_cost_per_token: 3.0e-06, output_cost_per_token: 1.5e-05}
  - model_name: bench-resp-json
    litellm_params: {model: openai/gpt-4.1, api_base: "http://127.0.0.1:$UP_PORT/resp-json/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-resp-json, input_cost_per_token: 2.0e-06, output_cost_per_token: 8.0e-06}
  - model_name: bench-resp-sse
    litellm_params: {model: openai/gpt-4.1, api_base: "http://127.0.0.1:$UP_PORT/resp-sse/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-resp-sse, input_cost_per_token: 2.0e-06, output_cost_per_token: 8.0e-06}
  - model_name: bench-chatonly-json
    litellm_params: {model: hosted_vllm/gpt-4o-mini, api_base: "http://127.0.0.1:$UP_PORT/json/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-chatonly-json, input_cost_per_token: 1.5e-07, output_cost_per_token: 6.0e-07}
  - model_name: bench-chatonly-sse
    litellm_params: {model: hosted_vllm/gpt-4o-mini, api_base: "http://127.0.0.1:$UP_PORT/sse/v1", api_key: sk-bench-upstream}
    model_info: {id: bench-chatonly-sse, input_cost_per_token: 1.5e-07, output_cost_per_token: 6.0e-07}
  - model_name: bench-bedrock
    litellm_params:
      model: bedrock/anthropic.claude-3-5-haiku-20241022-v1:0
      aws_bedrock_runtime_endpoint: "http://127.0.0.1:$UP_PORT/bedrock"
      aws_access_key_id: AKIDBENCH
      aws_secret_access_key: bench-secret-key
      aws_region_name: us-east-1
    model_info: {id: bench-bedrock, input_cost_per_token: 8.0e-07, output_cost_per_token: 4.0e-06}
general_settings: {master_key: sk-bench-master}
YAML

# usage is logged per request by default; the benchmark measures the proxy path, so keep that logger quiet
# One event loop for the one core the gateway gets: with Quarkus' default (2 per core) a request and its upstream
# connection can sit on different loops, and every hand-over between them is a thread wake-up.
# shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS is a list of options
# shellcheck disable=SC2086 # GATEWAY_JVM_OPTS is a list of options
taskset -c 0 "$JAVA" $GATEWAY_JVM_OPTS -Dquarkus.log.category.usage.level=WARN \
  -Dquarkus.vertx.event-loops-pool-size=1 ${GATEWAY_JAVA_OPTS:-} \
  -Dquarkus.http.port="$GW_PORT" -jar "$JAR" --config "$WORK/config.yaml" >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$GW_PORT/health/readiness" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$GW_PORT/health/readiness" >/dev/null || { echo "gateway did not start" >&2; cat "$WORK/gateway.log" >&2; exit 1; }

lua() { # $1 model $2 stream(true|false) $3 auth(true|false)
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
$([[ "$3" == true ]] && echo 'wrk.headers["Authorization"] = "Bearer sk-bench-master"')
wrk.body = '{"model":"$1","stream":$2,"messages":[{"role":"user","content":"What is the capital of France?"}]}'
LUA
}
# Anthropic's Messages body: $1 model $2 stream $3 auth
msg_lua() {
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
$([[ "$3" == true ]] && echo 'wrk.headers["x-api-key"] = "sk-bench-master"')
wrk.body = '{"model":"$1","max_tokens":256,"stream":$2,"messages":[{"role":"user","content":"What is the capital of France?"}]}'
LUA
}
# OpenAI's Responses body ("store": false: the benchmark measures the relay, not the response storage): $1 model
# $2 stream $3 auth
resp_lua() {
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
$([[ "$3" == true ]] && echo 'wrk.headers["Authorization"] = "Bearer sk-bench-master"')
wrk.body = '{"model":"$1","stream":$2,"store":false,"input":"What is the capital of France?"}'
LUA
}
resp_lua gpt-4.1 false false >"$WORK/direct-resp-json.lua"
resp_lua gpt-4.1 true false >"$WORK/direct-resp-sse.lua"
resp_lua bench-resp-json false true >"$WORK/gw-resp-pass-json.lua"
resp_lua bench-resp-sse true true >"$WORK/gw-resp-pass-sse.lua"
resp_lua bench-chatonly-json false true >"$WORK/gw-resp-trans-json.lua"
resp_lua bench-chatonly-sse true true >"$WORK/gw-resp-trans-sse.lua"
msg_lua claude-sonnet-4-5 false false >"$WORK/direct-anth-json.lua"
msg_lua claude-sonnet-4-5 true false >"$WORK/direct-anth-sse.lua"
msg_lua bench-anth-json false true >"$WORK/gw-msg-pass-json.lua"
msg_lua bench-anth-sse true true >"$WORK/gw-msg-pass-sse.lua"
msg_lua bench-json false true >"$WORK/gw-msg-trans-json.lua"
msg_lua bench-sse true true >"$WORK/gw-msg-trans-sse.lua"
lua bench-bedrock true true >"$WORK/gw-bedrock-sse.lua"
lua bench-bedrock false true >"$WORK/gw-bedrock-json.lua"
msg_lua bench-bedrock true true >"$WORK/gw-msg-bedrock-sse.lua"
cat >"$WORK/direct-bedrock.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"messages":[{"role":"user","content":[{"text":"What is the capital of France?"}]}]}'
LUA
lua gpt-4o-mini false false >"$WORK/direct-json.lua"
lua gpt-4o-mini true false >"$WORK/direct-sse.lua"
lua bench-json false true >"$WORK/gw-json.lua"
lua bench-sse true true >"$WORK/gw-sse.lua"

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$GW_PID/status"; }

# warm-up: JIT compiles the hot path before anything is measured
if [[ "$ONLY_BEDROCK" != true ]]; then
  for s in gw-json gw-sse; do
    url="http://127.0.0.1:$GW_PORT/v1/chat/completions"
    taskset -c 1 wrk -t1 -c16 -d10s -s "$WORK/$s.lua" "$url" >/dev/null
  done
  for s in gw-msg-pass-json gw-msg-pass-sse gw-msg-trans-json gw-msg-trans-sse; do
    taskset -c 1 wrk -t1 -c16 -d5s -s "$WORK/$s.lua" "http://127.0.0.1:$GW_PORT/v1/messages" >/dev/null
  done
  for s in gw-resp-pass-json gw-resp-pass-sse gw-resp-trans-json gw-resp-trans-sse; do
    taskset -c 1 wrk -t1 -c16 -d5s -s "$WORK/$s.lua" "http://127.0.0.1:$GW_PORT/v1/responses" >/dev/null
  done
fi
IDLE_RSS_BEFORE=$(rss_mb)
BEDROCK_DIRECT="http://127.0.0.1:$UP_PORT/bedrock/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream"
for s in gw-bedrock-json:/v1/chat/completions gw-bedrock-sse:/v1/chat/completions gw-msg-bedrock-sse:/v1/messages gw-json:/v1/chat/completions; do
  taskset -c 1 wrk -t1 -c16 -d5s -s "$WORK/${s%%:*}.lua" "http://127.0.0.1:$GW_PORT${s#*:}" >/dev/null
done

# run <label> <url> <script> <conns> -> "rps p50_ms p99_ms"
run() {
  local out
  out=$(taskset -c 1 wrk -t1 -c"$4" -d"${DURATION}s" --latency -s "$3" "$2")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "non-2xx answers in $1: $(grep Non-2xx <<<"$out")" >&2
  fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
to_ms() { # wrk prints 123.45us / 1.23ms / 1.02s
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}

# The gateway's own time per request (x-litellm-overhead-duration-ms: everything but the wait for the upstream),
# as it reports it, at 1 connection: chat, and /v1/messages passed through and translated (JSON). Less disturbed
# by other load on the machine than the latencies, since it excludes the time the request waits for the upstream.
# overhead <script> <path> -> "p50 .. p90 .. p99 .. over N requests"
overhead() {
  cp "$WORK/$1.lua" "$WORK/$1-overhead.lua"
  cat >>"$WORK/$1-overhead.lua" <<'LUA'
response = function(status, headers, body)
  local o = headers["x-litellm-overhead-duration-ms"]
  if o then io.write(o, "\n") end
end
LUA
  taskset -c 1 wrk -t1 -c1 -d"${DURATION}s" -s "$WORK/$1-overhead.lua" "http://127.0.0.1:$GW_PORT$2" >"$WORK/$1-overhead.txt"
  grep -E '^[0-9.]+$' "$WORK/$1-overhead.txt" | sort -n |
    awk '{a[NR]=$1} END {if (NR) printf "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms over %d requests", a[int(NR*0.5)], a[int(NR*0.9)], a[int(NR*0.99)], NR}'
}
# Bedrock: the gateway signs the request (SigV4), decodes the binary event stream and translates it; direct = the
# same nginx answer (the raw event stream) without the gateway.
BEDROCK_RESULTS="$WORK/bedrock.txt"
printf "| Bedrock ConverseStream | conns | direct RPS | direct p50 ms | direct p99 ms | gateway RPS | gateway p50 ms | gateway p99 ms | added p50 ms | added p99 ms |\n" >"$BEDROCK_RESULTS"
printf "|---|---|---|---|---|---|---|---|---|---|\n" >>"$BEDROCK_RESULTS"
for target in "chat sse:gw-bedrock-sse:/v1/chat/completions" "/v1/messages sse:gw-msg-bedrock-sse:/v1/messages"; do
  IFS=: read -r label script path <<<"$target"
  for c in 1 64; do
    read -r drps dp50 dp99 < <(run "direct-bedrock-$c" "$BEDROCK_DIRECT" "$WORK/direct-bedrock.lua" "$c")
    read -r grps gp50 gp99 < <(run "$script-$c" "http://127.0.0.1:$GW_PORT$path" "$WORK/$script.lua" "$c")
    awk -v m="translated to $label" -v c="$c" -v dr="$drps" -v d5="$dp50" -v d9="$dp99" -v gr="$grps" -v g5="$gp50" -v g9="$gp99" \
      'BEGIN { printf "| %s | %s | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f | %.3f | %.3f |\n", m, c, dr, d5, d9, gr, g5, g9, g5-d5, g9-d9 }' >>"$BEDROCK_RESULTS"
  done
done
# the gateway's own time for an OpenAI chat call and for the same call to Bedrock (signing, Converse mapping)
OVERHEAD_CHAT_B=$(overhead gw-json /v1/chat/completions)
OVERHEAD_BEDROCK=$(overhead gw-bedrock-json /v1/chat/completions)
if [[ "$ONLY_BEDROCK" == true ]]; then
  {
    echo "Run: $(date -u +%Y-%m-%dT%H:%MZ), ${DURATION}s per point, gateway on CPU 0, nginx + wrk on CPU 1, $(nproc) cores, $(uname -m)."
    echo
    cat "$BEDROCK_RESULTS"
    echo
    echo "Gateway RSS: idle after warm-up ${IDLE_RSS_BEFORE} MB, after the runs $(rss_mb) MB."
    echo "Gateway's own processing time per request (x-litellm-overhead-duration-ms, JSON, 1 connection): OpenAI chat"
    echo "${OVERHEAD_CHAT_B}; the same chat to Bedrock (SigV4 + Converse) ${OVERHEAD_BEDROCK}."
  } | tee "$WORK/report.md"
  [[ -n "$OUT" ]] && cp "$WORK/report.md" "$OUT"
  exit 0
fi

RESULTS="$WORK/results.txt"
MAX_RSS=0
printf "| mode | conns | direct RPS | direct p50 ms | direct p99 ms | gateway RPS | gateway p50 ms | gateway p99 ms | added p50 ms | added p99 ms | nginx-proxy hop p50 ms | nginx-proxy hop p99 ms |\n" >"$RESULTS"
printf "|---|---|---|---|---|---|---|---|---|---|---|---|\n" >>"$RESULTS"
for mode in json sse; do
  for c in 1 8 64; do
    read -r drps dp50 dp99 < <(run "direct-$mode-$c" "http://127.0.0.1:$UP_PORT/$mode/v1/chat/completions" "$WORK/direct-$mode.lua" "$c")
    read -r grps gp50 gp99 < <(run "gw-$mode-$c" "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$WORK/gw-$mode.lua" "$c")
    read -r _ rp50 rp99 < <(run "ref-$mode-$c" "http://127.0.0.1:$REF_PORT/$mode/v1/chat/completions" "$WORK/direct-$mode.lua" "$c")
    rss=$(rss_mb)
    ((rss > MAX_RSS)) && MAX_RSS=$rss
    awk -v m="$mode" -v c="$c" -v dr="$drps" -v d5="$dp50" -v d9="$dp99" -v gr="$grps" -v g5="$gp50" -v g9="$gp99" -v r5="$rp50" -v r9="$rp99" \
      'BEGIN { printf "| %s | %s | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", m, c, dr, d5, d9, gr, g5, g9, g5-d5, g9-d9, r5-d5, r9-d9 }' >>"$RESULTS"
  done
done
# Anthropic's /v1/messages: passed through to an Anthropic deployment (direct = the same nginx answer without the
# gateway), and translated to the OpenAI upstream (direct = that upstream's chat answer).
MSG_RESULTS="$WORK/messages.txt"
printf "| /v1/messages | conns | direct RPS | direct p50 ms | direct p99 ms | gateway RPS | gateway p50 ms | gateway p99 ms | added p50 ms | added p99 ms |\n" >"$MSG_RESULTS"
printf "|---|---|---|---|---|---|---|---|---|---|\n" >>"$MSG_RESULTS"
for kind in pass trans; do
  for mode in json sse; do
    if [[ "$kind" == pass ]]; then
      direct_url="http://127.0.0.1:$UP_PORT/anth-$mode/v1/messages" direct_lua="$WORK/direct-anth-$mode.lua"
    else
      direct_url="http://127.0.0.1:$UP_PORT/$mode/v1/chat/completions" direct_lua="$WORK/direct-$mode.lua"
    fi
    for c in 1 64; do
      read -r drps dp50 dp99 < <(run "direct-msg-$kind-$mode-$c" "$direct_url" "$direct_lua" "$c")
      read -r grps gp50 gp99 < <(run "gw-msg-$kind-$mode-$c" "http://127.0.0.1:$GW_PORT/v1/messages" "$WORK/gw-msg-$kind-$mode.lua" "$c")
      label=$([[ "$kind" == pass ]] && echo "pass-through $mode" || echo "translated $mode")
      awk -v m="$label" -v c="$c" -v dr="$drps" -v d5="$dp50" -v d9="$dp99" -v gr="$grps" -v g5="$gp50" -v g9="$gp99" \
        'BEGIN { printf "| %s | %s | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f | %.3f | %.3f |\n", m, c, dr, d5, d9, gr, g5, g9, g5-d5, g9-d9 }' >>"$MSG_RESULTS"
    done
  done
done
# OpenAI's /v1/responses: passed through to an OpenAI deployment (direct = the same nginx answer without the
# gateway), and translated to a chat-only upstream (direct = that upstream's chat answer).
RESP_RESULTS="$WORK/responses.txt"
printf "| /v1/responses | conns | direct RPS | direct p50 ms | direct p99 ms | gateway RPS | gateway p50 ms | gateway p99 ms | added p50 ms | added p99 ms |\n" >"$RESP_RESULTS"
printf "|---|---|---|---|---|---|---|---|---|---|\n" >>"$RESP_RESULTS"
for kind in pass trans; do
  for mode in json sse; do
    if [[ "$kind" == pass ]]; then
      direct_url="http://127.0.0.1:$UP_PORT/resp-$mode/v1/responses" direct_lua="$WORK/direct-resp-$mode.lua"
    else
      direct_url="http://127.0.0.1:$UP_PORT/$mode/v1/chat/completions" direct_lua="$WORK/direct-$mode.lua"
    fi
    for c in 1 64; do
      read -r drps dp50 dp99 < <(run "direct-resp-$kind-$mode-$c" "$direct_url" "$direct_lua" "$c")
      read -r grps gp50 gp99 < <(run "gw-resp-$kind-$mode-$c" "http://127.0.0.1:$GW_PORT/v1/responses" "$WORK/gw-resp-$kind-$mode.lua" "$c")
      label=$([[ "$kind" == pass ]] && echo "pass-through $mode" || echo "translated $mode")
      awk -v m="$label" -v c="$c" -v dr="$drps" -v d5="$dp50" -v d9="$dp99" -v gr="$grps" -v g5="$gp50" -v g9="$gp99" \
        'BEGIN { printf "| %s | %s | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f | %.3f | %.3f |\n", m, c, dr, d5, d9, gr, g5, g9, g5-d5, g9-d9 }' >>"$RESP_RESULTS"
    done
  done
done
OVERHEAD=$(overhead gw-json /v1/chat/completions)
OVERHEAD_PASS=$(overhead gw-msg-pass-json /v1/messages)
OVERHEAD_TRANS=$(overhead gw-msg-trans-json /v1/messages)
OVERHEAD_RESP_PASS=$(overhead gw-resp-pass-json /v1/responses)
OVERHEAD_RESP_TRANS=$(overhead gw-resp-trans-json /v1/responses)
sleep 2
IDLE_RSS_AFTER=$(rss_mb)

{
  echo "Run: $(date -u +%Y-%m-%dT%H:%MZ), ${DURATION}s per point, gateway on CPU 0 (JVM options: ${GATEWAY_JVM_OPTS:-defaults}), nginx + wrk on CPU 1, $(nproc) cores, $(uname -m)."
  echo
  cat "$RESULTS"
  echo
  cat "$MSG_RESULTS"
  echo
  cat "$RESP_RESULTS"
  echo
  cat "$BEDROCK_RESULTS"
  echo
  echo "Gateway's own processing time, chat to Bedrock (SigV4 + Converse, JSON, 1 connection): ${OVERHEAD_BEDROCK} (OpenAI chat in the same minute: ${OVERHEAD_CHAT_B})."
  echo
  echo "Gateway RSS: idle after warm-up ${IDLE_RSS_BEFORE} MB, max under load ${MAX_RSS} MB, idle after the runs ${IDLE_RSS_AFTER} MB."
  echo "Gateway's own processing time per request (x-litellm-overhead-duration-ms, JSON, 1 connection): chat ${OVERHEAD};"
  echo "/v1/messages passed through ${OVERHEAD_PASS}; /v1/messages translated ${OVERHEAD_TRANS};"
  echo "/v1/responses passed through ${OVERHEAD_RESP_PASS}; /v1/responses translated ${OVERHEAD_RESP_TRANS}."
} | tee "$WORK/report.md"
if [[ -n "$OUT" ]]; then
  cp "$WORK/report.md" "$OUT"
fi
