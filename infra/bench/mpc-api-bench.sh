#!/usr/bin/env bash
# Measures the latency that mpc-api adds, in one run on this machine:
#   client -> mpc-api -> model-gateway -> upstream   against   client -> model-gateway -> upstream
# (and client -> upstream for reference). wrk at 1 connection, 1 thread, alternating rounds; the
# upstream is a tiny local OpenAI-compatible server so that the hops, not a model, are measured.
# All traffic stays on 127.0.0.1, every wrk run is bounded in time, and only processes started here
# are stopped (by PID).
#
# Usage: infra/bench/mpc-api-bench.sh [--write FILE] [--no-build]
#   DURATION=8 ROUNDS=5 WARMUP=15   seconds per measured run, alternating rounds, warm-up seconds
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${DURATION:-8}"
ROUNDS="${ROUNDS:-5}"
WARMUP="${WARMUP:-15}"
WRITE=""
BUILD=true
while (($#)); do
  case "$1" in
    --write) WRITE="$2"; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

GATEWAY_JAR="$ROOT/model-gateway/target/quarkus-app/quarkus-run.jar"
MPC_API_JAR="$ROOT/mpc-api/target/quarkus-app/quarkus-run.jar"
if $BUILD && { [[ ! -f "$GATEWAY_JAR" ]] || [[ ! -f "$MPC_API_JAR" ]]; }; then
  (cd "$ROOT" && ./mvnw -q -B -ntp -pl model-gateway,mpc-api -am package -DskipTests)
fi
[[ -f "$GATEWAY_JAR" && -f "$MPC_API_JAR" ]] || { echo "model-gateway or mpc-api is not packaged" >&2; exit 1; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  "$JAVA" -XX:TieredStopAtLevel=1 -Xshare:auto "$WORK/FreePort.java"
}

# --- the upstream: a minimal OpenAI-compatible chat endpoint (JDK HTTP server, keep-alive) ---
cat >"$WORK/FreePort.java" <<'EOF'
public class FreePort {
    public static void main(String[] a) throws Exception {
        try (var s = new java.net.ServerSocket(0)) { System.out.println(s.getLocalPort()); }
    }
}
EOF
cat >"$WORK/Upstream.java" <<'EOF'
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public class Upstream {
    public static void main(String[] args) throws Exception {
        byte[] body = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1732780000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello from the bench upstream\",\"refusal\":null},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":6,"
                + "\"total_tokens\":15}}").getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 128);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
EOF

UPSTREAM_PORT="$(free_port)"
GATEWAY_PORT="$(free_port)"
MPC_API_PORT="$(free_port)"
MASTER_KEY="sk-bench-master"
CLIENT_TOKEN="tok-bench-client"

cat >"$WORK/gateway-config.yaml" <<EOF
model_list:
  - model_name: bench-chat
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$UPSTREAM_PORT/v1", api_key: sk-bench-upstream}
general_settings: {master_key: $MASTER_KEY}
EOF

"$JAVA" "$WORK/Upstream.java" "$UPSTREAM_PORT" >"$WORK/upstream.log" 2>&1 &
PIDS+=($!)
CONFIG_FILE_PATH="$WORK/gateway-config.yaml" COST_TRACKER_URL="http://127.0.0.1:$(free_port)" \
  "$JAVA" -Dquarkus.http.port="$GATEWAY_PORT" -jar "$GATEWAY_JAR" >"$WORK/model-gateway.log" 2>&1 &
PIDS+=($!)
PORT="$MPC_API_PORT" LITELLM_BASE_URL="http://127.0.0.1:$GATEWAY_PORT" MPC_API_GATEWAY_KEY="$MASTER_KEY" \
  MPC_API_TOKENS="bench:$CLIENT_TOKEN" "$JAVA" -jar "$MPC_API_JAR" >"$WORK/mpc-api.log" 2>&1 &
PIDS+=($!)

BODY='{"model":"bench-chat","messages":[{"role":"user","content":"Say hello in five words."}],"max_tokens":16}'
wait_ready() { # url auth
  for _ in $(seq 1 180); do
    if curl -s -o /dev/null -w '%{http_code}' -X POST "$1" -H "authorization: Bearer $2" \
      -H 'content-type: application/json' -d "$BODY" | grep -q 200; then
      return 0
    fi
    sleep 0.5
  done
  echo "not ready: $1" >&2
  tail -20 "$WORK"/*.log >&2
  exit 1
}
UPSTREAM_URL="http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
MPC_API_URL="http://127.0.0.1:$MPC_API_PORT/api/chat/completions"
wait_ready "$UPSTREAM_URL" none
wait_ready "$GATEWAY_URL" "$MASTER_KEY"
wait_ready "$MPC_API_URL" "$CLIENT_TOKEN"

lua() { # file auth
  cat >"$1" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $2"
EOF
}
lua "$WORK/upstream.lua" none
lua "$WORK/gateway.lua" "$MASTER_KEY"
lua "$WORK/mpc-api.lua" "$CLIENT_TOKEN"

# Prints "p50_us p99_us requests_per_s non2xx" for one bounded wrk run.
measure() { # url lua seconds [connections]
  wrk -t1 -c"${4:-1}" -d"$3"s --latency -s "$2" "$1" | awk '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
    $1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) }
    /Requests\/sec/ { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%.1f %.1f %.0f %d\n", p50, p99, rps, bad }'
}

# 4 connections while warming up: more requests, so the JIT has compiled the hot paths before measuring.
echo "warming up (${WARMUP}s per path)..."
measure "$MPC_API_URL" "$WORK/mpc-api.lua" "$WARMUP" 4 >/dev/null
measure "$GATEWAY_URL" "$WORK/gateway.lua" "$WARMUP" 4 >/dev/null
measure "$UPSTREAM_URL" "$WORK/upstream.lua" "$((WARMUP / 2 + 1))" 4 >/dev/null
# and a discarded round at 1 connection, the shape measured below.
measure "$MPC_API_URL" "$WORK/mpc-api.lua" 5 >/dev/null
measure "$GATEWAY_URL" "$WORK/gateway.lua" 5 >/dev/null
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

ROWS=()
ADDED=()
VIA_P50=()
DIRECT_P50=()
for round in $(seq 1 "$ROUNDS"); do
  read -r u50 u99 _ ubad <<<"$(measure "$UPSTREAM_URL" "$WORK/upstream.lua" "$DURATION")"
  read -r d50 d99 drps dbad <<<"$(measure "$GATEWAY_URL" "$WORK/gateway.lua" "$DURATION")"
  read -r v50 v99 vrps vbad <<<"$(measure "$MPC_API_URL" "$WORK/mpc-api.lua" "$DURATION")"
  if ((ubad + dbad + vbad > 0)); then
    echo "round $round had non-2xx answers ($ubad/$dbad/$vbad)" >&2
    exit 1
  fi
  added="$(awk -v a="$v50" -v b="$d50" 'BEGIN { printf "%.1f", a - b }')"
  ADDED+=("$added")
  VIA_P50+=("$v50")
  DIRECT_P50+=("$d50")
  ROWS+=("| $round | $u50 / $u99 | $d50 / $d99 ($drps/s) | $v50 / $v99 ($vrps/s) | $added |")
  echo "round $round: upstream p50 ${u50}us, gateway p50 ${d50}us p99 ${d99}us, via mpc-api p50 ${v50}us p99 ${v99}us, added ${added}us"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
MEDIAN_ADDED="$(median "${ADDED[@]}")"
MEDIAN_VIA="$(median "${VIA_P50[@]}")"
MEDIAN_DIRECT="$(median "${DIRECT_P50[@]}")"
VERDICT="$(awk -v a="$MEDIAN_ADDED" 'BEGIN { print (a <= 300 ? "within" : "OVER") }')"
echo
echo "median p50: gateway ${MEDIAN_DIRECT}us, via mpc-api ${MEDIAN_VIA}us; mpc-api adds ${MEDIAN_ADDED}us at p50 ($VERDICT the 300us budget)"

if [[ -n "$WRITE" ]]; then
  {
    echo "# mpc-api latency overhead"
    echo
    echo "Measured by \`infra/bench/mpc-api-bench.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(uname -m), Java $("$JAVA" -version 2>&1 | awk -F'"' 'NR==1{print $2}'))."
    echo "wrk, 1 thread, 1 connection, ${DURATION}s per run after warm-up (${WARMUP}s at 4 connections, then 5s at 1),"
    echo "$ROUNDS alternating rounds;"
    echo "POST chat completion (non-streaming) with client authentication and attribution on (mpc-api parses"
    echo "and rewrites the body); the upstream is a local JDK HTTP server answering a fixed OpenAI response."
    echo "Latencies in microseconds, p50 / p99. Machine load average (1/5/15 min) before the rounds: $LOAD_BEFORE,"
    echo "after: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs shared the machine)."
    echo
    echo "| round | client -> upstream | client -> gateway -> upstream | client -> mpc-api -> gateway -> upstream | added by mpc-api (p50) |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "**Median added p50: ${MEDIAN_ADDED} µs** (budget 300 µs: $VERDICT)."
  } >"$WRITE"
  echo "results written to $WRITE"
fi
