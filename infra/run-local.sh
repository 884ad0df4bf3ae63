#!/usr/bin/env bash
# Quick start without Docker: builds (when needed) and runs cost-tracker, model-gateway and mpc-api
# on this machine as plain Java processes, waits until all three are ready, prints the URLs and a
# curl example, and stops all three cleanly on Ctrl-C. Only a JDK 25 is needed.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=(cost-tracker model-gateway mpc-api)

usage() {
  cat <<'EOF'
Usage: infra/run-local.sh [--rebuild | --no-build] [--aot] [--check] [--timeout SECONDS]

Starts the stack as plain processes (no Docker):
  cost-tracker   http://localhost:4100   embedded PostgreSQL in ./data/ unless QUARKUS_DATASOURCE_JDBC_URL is set
  model-gateway  http://localhost:4000   offline demo models (infra/gateway/config.demo.yaml) by default
  mpc-api        http://localhost:3000   edge API for client applications (OpenAI-style under /api)
Waits until the three health endpoints are ready, prints the URLs and a curl example, and stops
all three on Ctrl-C (or TERM). Logs: ./data/logs/<service>.log

Everything a stack writes (logs, the embedded database, the gateway's usage spool, AOT caches) lives in its data
directory, which one run-local.sh owns at a time (./data/run-local.pid): a second stack on the same directory is
refused before it touches anything. Two stacks on one machine: give the second its own data directory and ports,
  RUN_LOCAL_DATA_DIR=./data2 RUN_LOCAL_API_PORT=3001 RUN_LOCAL_GATEWAY_PORT=4001 RUN_LOCAL_COST_TRACKER_PORT=4101 infra/run-local.sh

Options:
  --rebuild          build the three services even if their jars are up to date
  --no-build         never build (uses the jars as they are); fail if a jar is missing
  --aot              use the JDK 25 AOT cache (./data/aot/<service>.aot): the first --aot run is the
                     training run and writes the caches when the stack stops; later runs load them
                     (the jars are then packaged as Quarkus aot-jar)
  --check            start, wait until ready, send one chat completion through mpc-api, print the
                     startup times, stop, and exit 0 (all fine) or 1
  --timeout SECONDS  how long to wait for readiness (default 180, or RUN_LOCAL_TIMEOUT)
  -h, --help         this help

Environment (also read from ./.env when present; the real environment wins):
  JAVA_HOME                 JDK 25+; /usr/lib/jvm/temurin-25-jdk-amd64 is used when present
  JAVA_OPTS                 JVM options for the three services, instead of the ones their images ship
                            (read from <service>/src/main/docker/Dockerfile.jvm: the gateway's serial GC,
                            small young generation and native heap trimming)
  LITELLM_MASTER_KEY        master key of the gateway / admin key of cost-tracker (default: sk-local-dev)
  CONFIG_FILE_PATH          gateway config.yaml (default: infra/gateway/config.demo.yaml; use
                            infra/gateway/config.yaml for real providers)
  OPENAI_API_KEY, ANTHROPIC_API_KEY, AZURE_API_KEY, AZURE_API_BASE, OLLAMA_API_BASE
                            provider credentials, used by config.yaml's os.environ/ references
  MPC_API_TOKENS            mpc-api client tokens, name:token,... (default: local:mpc-local-dev)
  MPC_API_GATEWAY_KEY       key mpc-api sends to the gateway (default: the master key)
  QUARKUS_DATASOURCE_JDBC_URL, QUARKUS_DATASOURCE_USERNAME, QUARKUS_DATASOURCE_PASSWORD
                            an existing PostgreSQL for cost-tracker instead of the embedded one
  COST_TRACKER_DATA_DIR     data directory of the embedded PostgreSQL (default: <data dir>/cost-tracker-pg)
  GATEWAY_SPOOL_DIR         the gateway's durable usage spool (default: <data dir>/gateway-spool)
  RUN_LOCAL_DATA_DIR        the stack's data directory: logs, AOT caches, embedded database, usage spool
                            (default: ./data)
  RUN_LOCAL_TIMEOUT         readiness timeout in seconds (default 180)
  RUN_LOCAL_HOST            interface the services listen on (default 127.0.0.1: this machine only)
  RUN_LOCAL_API_PORT, RUN_LOCAL_GATEWAY_PORT, RUN_LOCAL_COST_TRACKER_PORT
                            ports of mpc-api, model-gateway, cost-tracker (default 3000, 4000, 4100)

Exit codes: 0 stopped cleanly (or --check passed), 1 a service failed, 2 usage error.
EOF
}

die() {
  echo "error: $2" >&2
  exit "$1"
}

# ---------------------------------------------------------------------------- arguments
BUILD=auto
AOT=false
CHECK=false
TIMEOUT="${RUN_LOCAL_TIMEOUT:-180}"
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rebuild) BUILD=always ;;
    --no-build) BUILD=never ;;
    --aot) AOT=true ;;
    --check) CHECK=true ;;
    --timeout) (($# >= 2)) || die 2 "--timeout needs a value"; TIMEOUT="$2"; shift ;;
    --timeout=*) TIMEOUT="${1#*=}" ;;
    *) die 2 "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die 2 "--timeout needs a number of seconds"

cd "$REPO_DIR"

# ---------------------------------------------------------------------------- environment
# .env values never override variables already set (KEY=VALUE lines; quotes stripped; not executed).
load_dotenv() {
  local file="$1" line key value
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    value="${value%$'\r'}"
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
    [[ -n "${!key+x}" ]] || export "$key=$value"
  done <"$file"
  echo "loaded $file"
}
load_dotenv "$REPO_DIR/.env"

java_major() { # java_major JAVA_BINARY
  "$1" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'
}
if [[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]] &&
  { [[ -z "${JAVA_HOME:-}" ]] || [[ "$(java_major "$JAVA_HOME/bin/java" 2>/dev/null || echo 0)" -lt 25 ]]; }; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$JAVA" >/dev/null 2>&1 || die 1 "no java found: install a JDK 25 and set JAVA_HOME"
[[ "$(java_major "$JAVA")" -ge 25 ]] || die 1 "JDK 25 or newer needed, $JAVA is $(java_major "$JAVA") (set JAVA_HOME)"

export LITELLM_MASTER_KEY="${LITELLM_MASTER_KEY:-sk-local-dev}"
export CONFIG_FILE_PATH="${CONFIG_FILE_PATH:-$REPO_DIR/infra/gateway/config.demo.yaml}"
export MPC_API_TOKENS="${MPC_API_TOKENS:-local:mpc-local-dev}"
DATA_DIR="${RUN_LOCAL_DATA_DIR:-$REPO_DIR/data}"
LOG_DIR="$DATA_DIR/logs"
AOT_DIR="$DATA_DIR/aot"

# ---------------------------------------------------------------------------- one stack per data directory
# Taken before anything is built, rotated or started: a second stack on the same directory must not rotate the
# first one's logs, take over its usage spool or its embedded database. The file holds the owner's PID; one
# left by a stack that no longer runs (kill -9, a reboot) is replaced.
STACK_LOCK="$DATA_DIR/run-local.pid"
STACK_LOCKED=false
stack_owner_alive() { # stack_owner_alive PID: that process runs and is a run-local.sh
  kill -0 "$1" 2>/dev/null || return 1
  local args
  args="$(ps -p "$1" -o args= 2>/dev/null)" || return 0 # no ps: assume it is one
  [[ -z "$args" || "$args" == *run-local* ]]
}
take_stack_lock() {
  mkdir -p "$DATA_DIR"
  local attempt owner
  for attempt in 1 2; do
    if (set -C && echo "$$" >"$STACK_LOCK") 2>/dev/null; then
      STACK_LOCKED=true
      return 0
    fi
    owner="$(head -n 1 "$STACK_LOCK" 2>/dev/null || true)"
    if [[ "$owner" =~ ^[0-9]+$ ]] && stack_owner_alive "$owner"; then
      die 1 "another infra/run-local.sh (pid $owner) is running on the data directory $DATA_DIR: stop it first, or start this stack with its own data directory and ports, e.g. RUN_LOCAL_DATA_DIR=./data2 RUN_LOCAL_API_PORT=3001 RUN_LOCAL_GATEWAY_PORT=4001 RUN_LOCAL_COST_TRACKER_PORT=4101"
    fi
    ((attempt == 1)) && echo "note: removing the stale $STACK_LOCK of a stack that is no longer running (pid ${owner:-?})"
    rm -f "$STACK_LOCK"
  done
  die 1 "cannot take $STACK_LOCK (another run-local.sh starting at the same time?)"
}
release_stack_lock() {
  if [[ "$STACK_LOCKED" == true && "$(head -n 1 "$STACK_LOCK" 2>/dev/null)" == "$$" ]]; then rm -f "$STACK_LOCK"; fi
  STACK_LOCKED=false
}
trap release_stack_lock EXIT
take_stack_lock
mkdir -p "$LOG_DIR"
[[ -f "$CONFIG_FILE_PATH" ]] || die 1 "gateway config $CONFIG_FILE_PATH not found (CONFIG_FILE_PATH)"

CT_PORT="${RUN_LOCAL_COST_TRACKER_PORT:-4100}"
GW_PORT="${RUN_LOCAL_GATEWAY_PORT:-4000}"
API_PORT="${RUN_LOCAL_API_PORT:-3000}"
for p in "$CT_PORT" "$GW_PORT" "$API_PORT"; do [[ "$p" =~ ^[0-9]+$ ]] || die 2 "ports must be numbers, got '$p'"; done
port_of() {
  case "$1" in cost-tracker) echo "$CT_PORT" ;; model-gateway) echo "$GW_PORT" ;; mpc-api) echo "$API_PORT" ;; esac
}
health_path() {
  case "$1" in
    model-gateway) echo /health/readiness ;;
    *) echo /q/health/ready ;;
  esac
}

# ---------------------------------------------------------------------------- build
jar_of() { echo "$REPO_DIR/$1/target/quarkus-app/quarkus-run.jar"; }
packaging_marker() { echo "$REPO_DIR/$1/target/quarkus-app/.run-local-packaging"; }
wanted_packaging() { if [[ "$AOT" == true ]]; then echo aot-jar; else echo fast-jar; fi; }

needs_build() {
  local svc="$1" jar
  jar="$(jar_of "$svc")"
  [[ -f "$jar" ]] || return 0
  [[ "$(cat "$(packaging_marker "$svc")" 2>/dev/null || echo fast-jar)" == "$(wanted_packaging)" ]] || return 0
  [[ -n "$(find "$REPO_DIR/$svc/src/main" "$REPO_DIR/$svc/pom.xml" "$REPO_DIR/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null)" ]]
}

build_services() {
  local stale=() svc
  for svc in "${SERVICES[@]}"; do
    if [[ "$BUILD" == always ]] || needs_build "$svc"; then stale+=("$svc"); fi
  done
  ((${#stale[@]})) || return 0
  if [[ "$BUILD" == never ]]; then
    for svc in "${stale[@]}"; do
      [[ -f "$(jar_of "$svc")" ]] || die 1 "--no-build, but $(jar_of "$svc") is missing (build it: ./mvnw -B -DskipTests package)"
    done
    echo "warning: --no-build: ${stale[*]} may be older than the sources or of another packaging; using them as they are" >&2
    return 0
  fi
  local list
  list="$(IFS=,; echo "${stale[*]}")"
  local extra=()
  [[ "$AOT" == true ]] && extra+=(-Dquarkus.package.jar.type=aot-jar)
  echo "building ${stale[*]} (./mvnw -B -q -DskipTests package)..."
  ./mvnw -B -q -DskipTests package -pl "$list" -am ${extra[@]+"${extra[@]}"} ||
    die 1 "build failed (see the Maven output above)"
  for svc in "${stale[@]}"; do
    wanted_packaging >"$(packaging_marker "$svc")"
    rm -f "$AOT_DIR/$svc.aot" # a cache only matches the jars it was trained on
  done
}
build_services

# ---------------------------------------------------------------------------- processes
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for svc in "${SERVICES[@]}"; do
  port="$(port_of "$svc")"
  if port_busy "$port"; then
    die 1 "port $port (for $svc) is already in use: stop what listens there (another run-local.sh or the compose stack?) or pick other ports (RUN_LOCAL_*_PORT)"
  fi
done

# Per-service state in plain variables (PID_cost_tracker, READY_mpc_api...): bash 3.2 has no maps.
setv() { printf -v "$1_${2//-/_}" '%s' "$3"; }
getv() { local name="$1_${2//-/_}"; echo "${!name:-}"; }
READY_COUNT=0
AOT_TRAINING=false

now() { # seconds with milliseconds; EPOCHREALTIME needs bash 5
  if [[ -n "${EPOCHREALTIME:-}" ]]; then echo "${EPOCHREALTIME/,/.}"; else date +%s; fi
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# CPU seconds (user + system) a process has used so far; "?" where /proc is missing (macOS).
cpu_seconds() {
  local ticks
  ticks="$(getconf CLK_TCK 2>/dev/null || echo 100)"
  awk -v t="$ticks" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo "?"
}

# The JVM options a service's image ships with: GC_CONTAINER_OPTIONS and the -X/-XX options of JAVA_OPTS_APPEND
# in its Dockerfile.jvm (the -D options there are container settings: host 0.0.0.0, the log manager).
image_jvm_opts() {
  local dockerfile="$REPO_DIR/$1/src/main/docker/Dockerfile.jvm"
  [[ -f "$dockerfile" ]] || return 0
  {
    sed -n 's/^ENV GC_CONTAINER_OPTIONS="\(.*\)"/\1/p' "$dockerfile"
    sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"/\1/p' "$dockerfile" | tr ' ' '\n' | grep -- '^-X' || true
  } | tr '\n' ' ' | sed 's/ *$//'
}
# Environment the image sets for the JVM (MALLOC_ARENA_MAX: fewer glibc malloc arenas, a smaller RSS).
image_env() {
  local dockerfile="$REPO_DIR/$1/src/main/docker/Dockerfile.jvm"
  [[ -f "$dockerfile" ]] || return 0
  sed -n 's/^ENV \(MALLOC_ARENA_MAX=[0-9]*\)$/\1/p' "$dockerfile"
}

start_service() {
  local svc="$1" log jvm_opts=()
  log="$LOG_DIR/$svc.log"
  [[ -f "$log" ]] && mv -f "$log" "$log.1"
  if [[ -n "${JAVA_OPTS:-}" ]]; then
    read -r -a jvm_opts <<<"$JAVA_OPTS"
  else
    read -r -a jvm_opts <<<"$(image_jvm_opts "$svc")"
  fi
  if [[ "$AOT" == true ]]; then
    mkdir -p "$AOT_DIR"
    if [[ -f "$AOT_DIR/$svc.aot" ]]; then
      jvm_opts+=("-XX:AOTCache=$AOT_DIR/$svc.aot")
    else
      jvm_opts+=("-XX:AOTCacheOutput=$AOT_DIR/$svc.aot")
      AOT_TRAINING=true
    fi
  fi
  # Bound to the loopback interface: a quick start is not meant to be reachable from the network.
  local env_vars=(LITELLM_MASTER_KEY="$LITELLM_MASTER_KEY" QUARKUS_HTTP_HOST="${RUN_LOCAL_HOST:-127.0.0.1}"
    QUARKUS_HTTP_PORT="$(port_of "$svc")")
  local image_vars
  image_vars="$(image_env "$svc")"
  [[ -n "$image_vars" && -z "${MALLOC_ARENA_MAX:-}" ]] && env_vars+=("$image_vars")
  case "$svc" in
    cost-tracker)
      env_vars+=(COST_TRACKER_DATA_DIR="${COST_TRACKER_DATA_DIR:-$DATA_DIR/cost-tracker-pg}")
      ;;
    model-gateway)
      env_vars+=(CONFIG_FILE_PATH="$CONFIG_FILE_PATH" COST_TRACKER_URL="${COST_TRACKER_URL:-http://127.0.0.1:$CT_PORT}"
        GATEWAY_SPOOL_DIR="${GATEWAY_SPOOL_DIR:-$DATA_DIR/gateway-spool}")
      ;;
    mpc-api)
      env_vars+=(PORT="$API_PORT" LITELLM_BASE_URL="${LITELLM_BASE_URL:-http://127.0.0.1:$GW_PORT}"
        MPC_API_TOKENS="$MPC_API_TOKENS" COST_TRACKER_URL="${COST_TRACKER_URL:-http://127.0.0.1:$CT_PORT}")
      ;;
  esac
  (cd "$REPO_DIR" && exec env "${env_vars[@]}" "$JAVA" ${jvm_opts[@]+"${jvm_opts[@]}"} -jar "$(jar_of "$svc")") \
    >"$log" 2>&1 &
  setv PID "$svc" $!
}

STOPPING=false
stop_all() {
  [[ "$STOPPING" == true ]] && return 0
  STOPPING=true
  local svc pid waited stop_limit=600
  # An AOT training run writes its cache at exit (a forked assembly step): give it time.
  [[ "$AOT_TRAINING" == true ]] && stop_limit=3000
  [[ "$AOT_TRAINING" == true ]] && echo "writing the AOT caches to $AOT_DIR (up to a few minutes)..."
  for svc in mpc-api model-gateway cost-tracker; do
    pid="$(getv PID "$svc")"
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  # Graceful shutdown first (cost-tracker stops its embedded PostgreSQL; --aot writes the caches).
  for svc in mpc-api model-gateway cost-tracker; do
    pid="$(getv PID "$svc")"
    [[ -n "$pid" ]] || continue
    waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < stop_limit)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "warning: $svc (pid $pid) did not stop in $((stop_limit / 10)) s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [[ "$AOT_TRAINING" == true ]]; then
    # The JVM hands the assembly to a forked process that may outlive it: wait for its result
    # (<name>.aot written, the temporary <name>.aot.config removed).
    waited=0
    while ((waited < 3000)); do
      local pending=0
      for svc in "${SERVICES[@]}"; do
        if [[ -e "$AOT_DIR/$svc.aot.config" || ! -s "$AOT_DIR/$svc.aot" ]]; then pending=1; fi
      done
      ((pending == 0)) && break
      sleep 0.1
      waited=$((waited + 1))
    done
    ls -l "$AOT_DIR"/*.aot 2>/dev/null || echo "warning: no AOT cache was written to $AOT_DIR" >&2
  fi
  echo "stopped cost-tracker, model-gateway and mpc-api"
  release_stack_lock
}
trap 'echo; echo "stopping..."; stop_all; exit 0' INT
trap 'stop_all; exit 0' TERM
trap 'stop_all' EXIT

http_status() { # http_status URL -> HTTP code, 000 when unreachable
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true
  else
    local hostport="${1#http://}" path
    path="/${hostport#*/}"
    hostport="${hostport%%/*}"
    (exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" &&
      printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3 &&
      head -n1 <&3 | cut -d' ' -f2) 2>/dev/null || echo 000
  fi
}

fail_with_log() { # fail_with_log SERVICE MESSAGE
  echo "error: $2" >&2
  echo "---- last lines of $LOG_DIR/$1.log" >&2
  tail -n 30 "$LOG_DIR/$1.log" >&2 || true
  exit 1
}

T0="$(now)"
for svc in "${SERVICES[@]}"; do start_service "$svc"; done
echo "starting cost-tracker, model-gateway and mpc-api (logs in $LOG_DIR)..."

deadline=$(($(date +%s) + TIMEOUT))
while ((READY_COUNT < ${#SERVICES[@]})); do
  for svc in "${SERVICES[@]}"; do
    [[ -n "$(getv READY "$svc")" ]] && continue
    kill -0 "$(getv PID "$svc")" 2>/dev/null || fail_with_log "$svc" "$svc exited during startup"
    if [[ "$(http_status "http://127.0.0.1:$(port_of "$svc")$(health_path "$svc")")" == 200 ]]; then
      setv READY "$svc" "$(now)"
      setv CPU "$svc" "$(cpu_seconds "$(getv PID "$svc")")"
      READY_COUNT=$((READY_COUNT + 1))
      echo "  $svc ready after $(elapsed "$T0" "$(getv READY "$svc")") s"
    fi
  done
  if (($(date +%s) > deadline)); then
    for svc in "${SERVICES[@]}"; do
      [[ -n "$(getv READY "$svc")" ]] ||
        fail_with_log "$svc" "$svc not ready after $TIMEOUT s ($(health_path "$svc") on port $(port_of "$svc"))"
    done
  fi
  sleep 0.05
done
T_ALL="$(now)"
STARTUP="startup: cost-tracker $(elapsed "$T0" "$(getv READY cost-tracker)") s, model-gateway $(elapsed "$T0" "$(getv READY model-gateway)") s, mpc-api $(elapsed "$T0" "$(getv READY mpc-api)") s, all $(elapsed "$T0" "$T_ALL") s (aot=$AOT); cpu until ready: cost-tracker $(getv CPU cost-tracker) s, model-gateway $(getv CPU model-gateway) s, mpc-api $(getv CPU mpc-api) s"

CLIENT_TOKEN="${MPC_API_TOKENS%%,*}"
CLIENT_TOKEN="${CLIENT_TOKEN#*:}"
CURL_EXAMPLE="curl -s http://localhost:$API_PORT/api/chat/completions -H 'Authorization: Bearer $CLIENT_TOKEN' -H 'Content-Type: application/json' -d '{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'"

if [[ "$CHECK" == true ]]; then
  echo "$STARTUP"
  answer="$(curl -s --max-time 30 "http://127.0.0.1:$API_PORT/api/chat/completions" -H "Authorization: Bearer $CLIENT_TOKEN" \
    -H 'Content-Type: application/json' -d '{"model":"demo-chat","messages":[{"role":"user","content":"Hello"}]}' || true)"
  if [[ "$answer" == *'"choices"'* ]]; then
    echo "check: chat completion through mpc-api -> model-gateway answered"
    exit 0
  fi
  echo "check failed: unexpected answer: ${answer:0:300}" >&2
  exit 1
fi

cat <<EOF

AI infra stack is running ($STARTUP)
  mpc-api        http://localhost:$API_PORT   client token: $CLIENT_TOKEN   (OpenAI base URL: http://localhost:$API_PORT/api)
  model-gateway  http://localhost:$GW_PORT   master key:   $LITELLM_MASTER_KEY   (OpenAI base URL: http://localhost:$GW_PORT/v1)
  cost-tracker   http://localhost:$CT_PORT
  admin UI       http://localhost:$GW_PORT/ui   (sign in with the master key: keys, spend, logs, models)
  gateway config: $CONFIG_FILE_PATH
Try:
  $CURL_EXAMPLE
Metrics: http://localhost:$API_PORT/q/metrics  http://localhost:$GW_PORT/metrics  http://localhost:$CT_PORT/q/metrics
Logs: $LOG_DIR/<service>.log$([[ "$AOT_TRAINING" == true ]] && printf '\nAOT training run: the caches are written to %s when you stop the stack.' "$AOT_DIR")
Press Ctrl-C to stop all three.
EOF

# Stay in the foreground; if a service dies, stop the others and report it.
while true; do
  for svc in "${SERVICES[@]}"; do
    if ! kill -0 "$(getv PID "$svc")" 2>/dev/null; then
      fail_with_log "$svc" "$svc stopped unexpectedly"
    fi
  done
  sleep 1
done
