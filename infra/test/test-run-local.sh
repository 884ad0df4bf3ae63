#!/usr/bin/env bash
# Tests of infra/run-local.sh without the real services: each case runs the script in a throw-away
# copy of the repository layout with a fake JDK (test/fake-run-local/java: records how each service is
# started, then serves its health endpoint and a chat completion with python3) and a fake ./mvnw that
# records builds. Covers: build when missing/stale, --rebuild/--no-build, .env loading, wiring of the
# three services, readiness, --check, crash/timeout/port errors with cleanup, stop on TERM, --aot.
# Prints "run-local tests: N passed, M failed".
set -uo pipefail

TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_DIR="$(dirname "$TEST_DIR")"
FAKE_DIR="$TEST_DIR/fake-run-local"
PASSED=0
FAILED=0
WORK="$(mktemp -d)"
PORT_BASE=25100
# Whatever a failed case left running is stopped by PID (each fake service records its own).
cleanup() {
  local pid
  cat "$WORK"/repo.*/calls.log.pids 2>/dev/null | while read -r pid; do kill "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# A repository copy: run-local.sh, the demo config, poms and sources (2 hours old), fake mvnw and JDK.
new_repo() {
  R="$(mktemp -d "$WORK/repo.XXXXXX")"
  mkdir -p "$R/infra/gateway" "$R/jdk/bin"
  cp "$INFRA_DIR/run-local.sh" "$R/infra/"
  cp "$INFRA_DIR/gateway/config.demo.yaml" "$R/infra/gateway/"
  cp "$FAKE_DIR/mvnw" "$R/mvnw"
  cp "$FAKE_DIR/java" "$FAKE_DIR/fake_service.py" "$R/jdk/bin/"
  echo "<project/>" >"$R/pom.xml"
  local svc
  for svc in cost-tracker model-gateway mpc-api; do
    mkdir -p "$R/$svc/src/main/java" "$R/$svc/src/main/docker"
    echo "<project/>" >"$R/$svc/pom.xml"
    echo "class A {}" >"$R/$svc/src/main/java/A.java"
    cp "$INFRA_DIR/../$svc/src/main/docker/Dockerfile.jvm" "$R/$svc/src/main/docker/"
  done
  find "$R" -type f -exec touch -d '2 hours ago' {} +
  LOG="$R/calls.log"
  : >"$LOG"
  PORT_BASE=$((PORT_BASE + 10))
  CT_PORT=$PORT_BASE
  GW_PORT=$((PORT_BASE + 1))
  API_PORT=$((PORT_BASE + 2))
}

built_jars() { # built_jars: pretend the three services were built just now
  local svc
  for svc in cost-tracker model-gateway mpc-api; do
    mkdir -p "$R/$svc/target/quarkus-app"
    echo jar >"$R/$svc/target/quarkus-app/quarkus-run.jar"
  done
}

# Runs run-local.sh in the copy with a clean environment plus the given VAR=value words; sets OUT, RC.
run() {
  local vars=()
  while (($#)) && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
  OUT="$(cd "$R" && env -i PATH="$PATH" HOME="$HOME" JAVA_HOME="$R/jdk" FAKE_RUN_LOG="$LOG" \
    RUN_LOCAL_COST_TRACKER_PORT="$CT_PORT" RUN_LOCAL_GATEWAY_PORT="$GW_PORT" RUN_LOCAL_API_PORT="$API_PORT" \
    ${vars[@]+"${vars[@]}"} timeout 60 "$R/infra/run-local.sh" "$@" 2>&1 </dev/null)"
  RC=$?
}

t() { CURRENT="$1"; }
pass() { PASSED=$((PASSED + 1)); echo "ok   - $CURRENT"; }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL - $CURRENT: $*"
  echo "       rc=${RC:-} output: $(tail -n 12 <<<"${OUT:-}" | tr '\n' '|' | cut -c1-700)"
  echo "       calls: $(tr '\n' '|' <"$LOG" | cut -c1-700)"
}
expect_rc() { [[ "$RC" == "$1" ]] || { fail "expected exit $1"; return 1; }; }
expect_out() { [[ "$OUT" == *"$1"* ]] || { fail "output lacks: $1"; return 1; }; }
expect_log() { grep -qF -- "$1" "$LOG" || { fail "calls lack: $1"; return 1; }; }
expect_no_log() { ! grep -qF -- "$1" "$LOG" || { fail "unexpected call: $1"; return 1; }; }
expect_count() { # expect_count N PATTERN
  [[ "$(grep -cF -- "$2" "$LOG")" == "$1" ]] || { fail "expected $1 x '$2', got $(grep -cF -- "$2" "$LOG")"; return 1; }
}
no_leftovers() {
  local pid alive=""
  sleep 0.2
  while read -r pid; do
    kill -0 "$pid" 2>/dev/null && alive+=" $pid"
  done < <(cat "$LOG.pids" 2>/dev/null)
  [[ -z "$alive" ]] || { fail "fake services still running:$alive"; return 1; }
}

# ---------------------------------------------------------------------------------------------
t "fresh checkout: builds the three services, starts them wired together, --check passes"
new_repo
run --check
expect_rc 0 && expect_log "mvnw -B -q -DskipTests package -pl cost-tracker,model-gateway,mpc-api -am" &&
  expect_log "start cost-tracker port=$CT_PORT host=127.0.0.1 key=sk-local-dev" &&
  expect_log "data=$R/data/cost-tracker-pg" &&
  expect_log "start model-gateway port=$GW_PORT host=127.0.0.1 key=sk-local-dev config=$R/infra/gateway/config.demo.yaml" &&
  expect_log "cost_tracker_url=http://127.0.0.1:$CT_PORT" &&
  expect_log "start mpc-api port=$API_PORT host=127.0.0.1 key=sk-local-dev config=$R/infra/gateway/config.demo.yaml tokens=local:mpc-local-dev gateway_url=http://127.0.0.1:$GW_PORT cost_tracker_url=http://127.0.0.1:$CT_PORT api_port=$API_PORT" &&
  expect_log "request mpc-api /api/chat/completions auth=Bearer mpc-local-dev" &&
  expect_out "startup: cost-tracker" && expect_out "check: chat completion through mpc-api" &&
  expect_count 3 "stop " && [[ -f "$R/data/logs/mpc-api.log" ]] && no_leftovers && pass

t "up-to-date jars: no build"
new_repo
built_jars
run --check
expect_rc 0 && expect_no_log "mvnw" && pass

t "a source newer than its jar: only that service is rebuilt"
new_repo
built_jars
touch "$R/model-gateway/src/main/java/A.java" -d '1 hour' 2>/dev/null || touch "$R/model-gateway/src/main/java/A.java"
find "$R"/*/target -name quarkus-run.jar -exec touch -d '1 hour ago' {} +
run --check
expect_rc 0 && expect_log "package -pl model-gateway -am" && expect_count 1 "mvnw" && pass

t "--rebuild builds everything even when up to date"
new_repo
built_jars
run --check --rebuild
expect_rc 0 && expect_log "package -pl cost-tracker,model-gateway,mpc-api -am" && pass

t "--no-build with a missing jar fails clearly"
new_repo
run --check --no-build
expect_rc 1 && expect_out "is missing" && expect_no_log "mvnw" && expect_no_log "start " && pass

t "--no-build with stale jars warns and uses them"
new_repo
built_jars
find "$R"/*/target -name quarkus-run.jar -exec touch -d '3 hours ago' {} +
run --check --no-build
expect_rc 0 && expect_out "warning: --no-build" && expect_no_log "mvnw" && pass

t "a failing build stops before starting anything"
new_repo
run FAKE_MVN_FAIL=1 --check
expect_rc 1 && expect_out "build failed" && expect_no_log "start " && pass

t ".env is loaded, quotes stripped, and the real environment wins"
new_repo
built_jars
printf '%s\n' '# local settings' 'LITELLM_MASTER_KEY=sk-from-dotenv' 'OPENAI_API_KEY="sk-openai-quoted"' \
  "MPC_API_TOKENS='app:tok-app'" 'not a variable line' >"$R/.env"
run MPC_API_TOKENS=env:tok-env --check
expect_rc 0 && expect_out "loaded $R/.env" && expect_log "key=sk-from-dotenv" &&
  expect_log "openai=sk-openai-quoted" && expect_log "tokens=env:tok-env" &&
  expect_log "request mpc-api /api/chat/completions auth=Bearer tok-env" && pass

t "CONFIG_FILE_PATH selects the gateway config; a missing one is an error"
new_repo
built_jars
cp "$R/infra/gateway/config.demo.yaml" "$R/custom.yaml"
run CONFIG_FILE_PATH="$R/custom.yaml" --check
if expect_rc 0 && expect_log "config=$R/custom.yaml"; then
  run CONFIG_FILE_PATH="$R/nope.yaml" --check
  expect_rc 1 && expect_out "nope.yaml not found" && pass
fi

t "a port in use is reported before anything starts"
new_repo
built_jars
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $GW_PORT)); s.listen(); time.sleep(20)" &
blocker=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$GW_PORT") 2>/dev/null && break; sleep 0.1; done
run --check
kill "$blocker" 2>/dev/null
wait "$blocker" 2>/dev/null
expect_rc 1 && expect_out "port $GW_PORT (for model-gateway) is already in use" && expect_no_log "start " && pass

t "a service that crashes during startup: error, its log tail, the others stopped"
new_repo
built_jars
run FAKE_MODE_cost_tracker=crash --check
# (The others may be stopped before they could log it: what matters is that none is left running.)
expect_rc 1 && expect_out "cost-tracker exited during startup" && expect_out "fake crash" &&
  expect_out "stopped cost-tracker, model-gateway and mpc-api" && no_leftovers && pass

t "readiness timeout: clear error naming the endpoint, everything stopped"
new_repo
built_jars
# long enough for the other two to come up on a busy machine: only the never-ready one may time out
run FAKE_MODE_model_gateway=never-ready --check --timeout 20
expect_rc 1 && expect_out "model-gateway not ready after 20 s (/health/readiness on port $GW_PORT)" &&
  expect_count 3 "stop " && no_leftovers && pass

t "--check fails when the chat completion does not come back"
new_repo
built_jars
run FAKE_MODE_mpc_api=bad-answer --check
expect_rc 1 && expect_out "check failed" && expect_count 3 "stop " && pass

t "interactive run: URLs and curl example, stops all three on TERM with exit 0"
new_repo
built_jars
(cd "$R" && exec env -i PATH="$PATH" HOME="$HOME" JAVA_HOME="$R/jdk" FAKE_RUN_LOG="$LOG" \
  RUN_LOCAL_COST_TRACKER_PORT="$CT_PORT" RUN_LOCAL_GATEWAY_PORT="$GW_PORT" RUN_LOCAL_API_PORT="$API_PORT" \
  "$R/infra/run-local.sh" >"$R/out" 2>&1 </dev/null) &
pid=$!
for _ in $(seq 1 300); do grep -q "Press Ctrl-C" "$R/out" 2>/dev/null && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
RC=$?
OUT="$(cat "$R/out")"
expect_rc 0 && expect_out "mpc-api        http://localhost:$API_PORT" &&
  expect_out "curl -s http://localhost:$API_PORT/api/chat/completions -H 'Authorization: Bearer mpc-local-dev'" &&
  expect_out "master key:   sk-local-dev" && expect_out "stopped cost-tracker, model-gateway and mpc-api" &&
  expect_count 3 "stop " && no_leftovers && pass

t "--aot: aot-jar build, training run writes the caches, the next run loads them"
new_repo
built_jars
run --check --aot
if expect_rc 0 && expect_log "-Dquarkus.package.jar.type=aot-jar" &&
  expect_log "-XX:AOTCacheOutput=$R/data/aot/model-gateway.aot"; then
  if [[ -s "$R/data/aot/cost-tracker.aot" && -s "$R/data/aot/mpc-api.aot" ]]; then
    : >"$LOG"
    run --check --aot
    expect_rc 0 && expect_no_log "mvnw" && expect_log "opts=-XX:AOTCache=$R/data/aot/cost-tracker.aot" && pass
  else
    fail "caches not written"
  fi
fi

t "JAVA_OPTS reach every service, instead of the images' options"
new_repo
built_jars
run JAVA_OPTS="-Xmx256m -Dfoo=bar" --check
expect_rc 0 && expect_count 3 "opts=-Xmx256m -Dfoo=bar" && expect_no_log "UseSerialGC" && pass

t "without JAVA_OPTS each service runs with the JVM options and MALLOC_ARENA_MAX its image ships"
new_repo
built_jars
run --check
# read here from the real Dockerfile the same way the image's run script gets them
gw_opts="$(sed -n 's/^ENV GC_CONTAINER_OPTIONS="\(.*\)"/\1/p' "$R/model-gateway/src/main/docker/Dockerfile.jvm")"
[[ -n "$gw_opts" ]] || fail "the gateway's Dockerfile.jvm has no GC_CONTAINER_OPTIONS"
if expect_rc 0 && expect_log "start model-gateway"; then
  if ! grep "^start model-gateway" "$LOG" |
    grep -qF -- "malloc=2 opts=$gw_opts -Xms16m -Xmx256m -Xmn16m -XX:TrimNativeHeapInterval=2000"; then
    fail "the gateway did not get its image's JVM options"
  elif grep "^start model-gateway" "$LOG" | grep -qF -- "-Dquarkus.http.host"; then
    fail "a container-only -D option reached the gateway"
  elif ! grep "^start cost-tracker" "$LOG" | grep -qE "malloc= opts=$"; then
    fail "cost-tracker's image sets no JVM option, yet it got some"
  else
    pass
  fi
fi

t "two stacks, one data directory: the second is refused naming the first, before touching its files"
new_repo
built_jars
(cd "$R" && exec env -i PATH="$PATH" HOME="$HOME" JAVA_HOME="$R/jdk" FAKE_RUN_LOG="$LOG" \
  RUN_LOCAL_COST_TRACKER_PORT="$CT_PORT" RUN_LOCAL_GATEWAY_PORT="$GW_PORT" RUN_LOCAL_API_PORT="$API_PORT" \
  "$R/infra/run-local.sh" >"$R/out" 2>&1 </dev/null) &
first=$!
for _ in $(seq 1 300); do grep -q "Press Ctrl-C" "$R/out" 2>/dev/null && break; sleep 0.1; done
logs_before="$(ls -l --time-style=+%s.%N "$R/data/logs" "$R/data" 2>/dev/null | md5sum)"
starts_before="$(grep -c "^start " "$LOG")"
run RUN_LOCAL_COST_TRACKER_PORT=$((CT_PORT + 5)) RUN_LOCAL_GATEWAY_PORT=$((GW_PORT + 5)) \
  RUN_LOCAL_API_PORT=$((API_PORT + 5)) --check
second_rc=$RC
second_out="$OUT"
logs_after="$(ls -l --time-style=+%s.%N "$R/data/logs" "$R/data" 2>/dev/null | md5sum)"
starts_after="$(grep -c "^start " "$LOG")"
# a second stack beside it, with its own data directory and ports, runs
run RUN_LOCAL_DATA_DIR="$R/data2" RUN_LOCAL_COST_TRACKER_PORT=$((CT_PORT + 5)) \
  RUN_LOCAL_GATEWAY_PORT=$((GW_PORT + 5)) RUN_LOCAL_API_PORT=$((API_PORT + 5)) --check
own_rc=$RC
kill -TERM "$first"
wait "$first"
RC=$second_rc OUT="$second_out"
if expect_rc 1 && expect_out "another infra/run-local.sh (pid $first) is running on the data directory $R/data" &&
  expect_out "RUN_LOCAL_DATA_DIR="; then
  if [[ "$logs_before" != "$logs_after" ]]; then
    fail "the refused stack changed the first stack's data directory"
  elif [[ "$starts_before" != "$starts_after" ]]; then
    fail "the refused stack started a service"
  elif [[ "$own_rc" != 0 ]]; then
    fail "a stack with its own RUN_LOCAL_DATA_DIR did not run beside the first (exit $own_rc)"
  else
    if expect_log "data=$R/data/cost-tracker-pg" && expect_log "spool=$R/data/gateway-spool" &&
      expect_log "data=$R/data2/cost-tracker-pg" && expect_log "spool=$R/data2/gateway-spool" && no_leftovers; then
      if [[ -e "$R/data/run-local.pid" || -e "$R/data2/run-local.pid" ]]; then
        fail "a stopped stack left its run-local.pid behind"
      else
        pass
      fi
    fi
  fi
fi

t "a data directory lock left by a stack that no longer runs is taken over"
new_repo
built_jars
mkdir -p "$R/data"
sleep 0.01 &
dead=$!
wait "$dead"
echo "$dead" >"$R/data/run-local.pid"
run --check
expect_rc 0 && expect_out "removing the stale" && [[ ! -e "$R/data/run-local.pid" ]] && pass

t "bad arguments exit 2"
new_repo
run --timeout soon
if expect_rc 2; then
  run RUN_LOCAL_API_PORT=http --check
  expect_rc 2 && expect_out "ports must be numbers" && pass
fi

echo "run-local tests: $PASSED passed, $FAILED failed"
((FAILED == 0))
