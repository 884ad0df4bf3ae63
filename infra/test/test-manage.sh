#!/usr/bin/env bash
# Tests of infra/ai-infra-manage.sh with a fake docker, docker-compose and curl on PATH
# (infra/test/fake-bin) that record their calls: each action must issue the right commands, and
# errors must exit non-zero with a clear message. Prints "manage tests: N passed, M failed".
set -uo pipefail

TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_DIR="$(dirname "$TEST_DIR")"
SCRIPT="$INFRA_DIR/ai-infra-manage.sh"
PASSED=0
FAILED=0
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Runs the script in a clean fake environment; sets OUT, ERR, RC and LOG (the recorded calls).
run() {
  local case_dir
  case_dir="$(mktemp -d "$WORK/case.XXXXXX")"
  LOG="$case_dir/calls.log"
  : >"$LOG"
  CASE_DIR="$case_dir"
  [[ -n "${WITH_ENV:-}" ]] && cp "$INFRA_DIR/.env.template" "$case_dir/.env"
  [[ -n "${ENV_CONTENT:-}" ]] && printf '%s\n' "$ENV_CONTENT" >"$case_dir/.env"
  OUT="$(cd "$case_dir" && env PATH="$TEST_DIR/fake-bin:$PATH" FAKE_DOCKER_LOG="$LOG" \
    AI_INFRA_ENV_FILE="$case_dir/.env" AI_INFRA_BACKUP_DIR="$case_dir/backups" \
    "$SCRIPT" "$@" 2>"$case_dir/stderr" </dev/null)"
  RC=$?
  ERR="$(cat "$case_dir/stderr")"
}

pass() { PASSED=$((PASSED + 1)); echo "ok   - $CURRENT"; }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL - $CURRENT: $*"
  echo "       rc=$RC stdout: ${OUT:0:400}"
  echo "       stderr: ${ERR:0:400}"
  echo "       calls: $(tr '\n' '|' <"$LOG" | cut -c1-600)"
}
# Each check returns non-zero on failure; a test passes when all its checks do.
expect_rc() { [[ "$RC" == "$1" ]] || { fail "expected exit $1"; return 1; }; }
expect_call() { grep -qF -- "$1" "$LOG" || { fail "missing call: $1"; return 1; }; }
expect_no_calls() { [[ ! -s "$LOG" ]] || { fail "docker/curl was called"; return 1; }; }
expect_no_call() { ! grep -qF -- "$1" "$LOG" || { fail "unexpected call: $1"; return 1; }; }
expect_err() { [[ "$ERR" == *"$1"* ]] || { fail "stderr lacks: $1"; return 1; }; }
expect_out() { [[ "$OUT" == *"$1"* ]] || { fail "stdout lacks: $1"; return 1; }; }
# Line numbers of calls matching each pattern must increase (order of commands).
expect_order() {
  local last=0 n pattern
  for pattern in "$@"; do
    n="$(grep -nF -- "$pattern" "$LOG" | head -n1 | cut -d: -f1)"
    [[ -n "$n" && "$n" -gt "$last" ]] || { fail "call order broken at: $pattern"; return 1; }
    last="$n"
  done
}
compose_of() { echo "docker compose -p $1 --env-file $CASE_DIR/.env -f $INFRA_DIR/$1/docker-compose.yml"; }

t() { CURRENT="$1"; }

# ----------------------------------------------------------------------------- usage errors
t "help lists every action and exits 0"
run --help
expect_rc 0 && expect_out "start" && expect_out "backup" && expect_out "restore" && expect_out "update" &&
  expect_out "-Follow" && pass

t "no action is a usage error"
run
expect_rc 2 && pass

t "unknown action exits 2 and names the valid ones"
run -Action explode
expect_rc 2 && expect_err "unknown action 'explode'" && expect_err "start, stop, restart" && pass

t "unknown service exits 2 before calling docker"
run -Action start -Service wordpress
expect_rc 2 && expect_err "unknown service 'wordpress'" && expect_err "gateway, dify, langflow" &&
  expect_no_calls && pass

t "unknown option exits 2"
run start --bogus
expect_rc 2 && expect_err "unknown option '--bogus'" && pass

t "bad -Timestamp is rejected"
run restore -Service dify -Timestamp yesterday -Force
expect_rc 2 && expect_err "YYYYmmdd-HHMMSS" && pass

# ----------------------------------------------------------------------------- docker state
t "Docker not running: clear error, exit 3, no compose call"
FAKE_DOCKER_DOWN=1 run -Action start
expect_rc 3 && expect_err "Docker is not running" && expect_no_call "compose -p" && pass

# ----------------------------------------------------------------------------- start
t "start all: creates .env with secrets, creates the network, ups every group in order"
FAKE_DOCKER_NETWORK_EXISTS=0 run -Action start -Service all
if expect_rc 0 && expect_call "docker network create --driver bridge ai-infra-net" &&
  expect_order "docker network create" "$(compose_of gateway) up -d" "$(compose_of dify) up -d" \
    "$(compose_of langflow) up -d" "$(compose_of activepieces) up -d" "$(compose_of monitoring) up -d"; then
  if [[ ! -f "$CASE_DIR/.env" ]]; then
    fail ".env not created"
  elif grep -q "__GENERATE__" "$CASE_DIR/.env"; then
    fail "placeholders left in .env"
  elif ! grep -Eq '^LITELLM_MASTER_KEY=sk-[0-9a-f]{32}$' "$CASE_DIR/.env"; then
    fail "master key not generated"
  elif ! grep -Eq '^AP_ENCRYPTION_KEY=[0-9a-f]{32}$' "$CASE_DIR/.env"; then
    fail "AP_ENCRYPTION_KEY is not 32 hex digits"
  elif [[ "$(grep -c '' "$CASE_DIR/.env")" != "$(grep -c '' "$INFRA_DIR/.env.template")" ]]; then
    fail ".env does not keep every template line"
  elif [[ "$(grep -E '^(DIFY_SECRET_KEY|DIFY_DB_PASSWORD)=' "$CASE_DIR/.env" | cut -d= -f2 | sort -u | wc -l)" != 2 ]]; then
    fail "generated secrets are not distinct"
  elif [[ "$(stat -c %a "$CASE_DIR/.env" 2>/dev/null || stat -f %Lp "$CASE_DIR/.env")" != 600 ]]; then
    fail ".env is not private (600)"
  else
    pass
  fi
fi

t "start waits until every started service is healthy, then prints the URLs and the generated logins"
ENV_CONTENT="$(sed 's/__GENERATE__/s3cret/' "$INFRA_DIR/.env.template")
GATEWAY_PORT=14000
MPC_API_PORT=13000
GRAFANA_PORT=13001" FAKE_CURL_SEQUENCE=1 AI_INFRA_START_POLL=0 run start
# the fake curl answers 000 to each URL's first request, 200 afterwards: start must poll again
if expect_rc 0 && expect_call "http://localhost:14000/health/readiness" &&
  expect_call "http://localhost:13000/q/health/ready" && expect_call "http://localhost:13001/api/health" &&
  expect_out "Admin UI        http://localhost:14000/ui" && expect_out "master key: sk-s3cret" &&
  expect_out "mpc-api         http://localhost:13000/api" && expect_out "dify mpc-s3cret" &&
  expect_out "Grafana         http://localhost:13001/    login: admin / s3cret"; then
  if [[ "$(grep -c "curl .*http://localhost:14000/health/readiness" "$LOG")" -lt 2 ]]; then
    fail "start did not ask again after a first failed health check"
  elif [[ "$(grep -n "curl " "$LOG" | head -n1 | cut -d: -f1)" -lt "$(grep -n "$(compose_of monitoring) up -d" "$LOG" | cut -d: -f1)" ]]; then
    fail "health was checked before every group was up"
  else
    pass
  fi
fi

t "start fails naming the services that are not healthy in time"
FAKE_CURL_CODES="http://localhost:3001/api/health=503" WITH_ENV=1 AI_INFRA_START_TIMEOUT=0 run start monitoring
expect_rc 1 && expect_err "not healthy after 0 s: grafana" && expect_call "$(compose_of monitoring) up -d" && pass

t "start keeps an existing .env and does not recreate an existing network"
WITH_ENV=1 run start dify
expect_rc 0 && expect_call "$(compose_of dify) up -d" && expect_no_call "network create" &&
  expect_no_call "$(compose_of gateway)" && grep -q "__GENERATE__" "$CASE_DIR/.env" && pass

t "start gateway with MPC_IMAGE_FLAVOR=jvm adds the JVM override file"
MPC_IMAGE_FLAVOR=jvm WITH_ENV=1 run -Action start -Service gateway
expect_rc 0 && expect_call "$(compose_of gateway) -f $INFRA_DIR/gateway/docker-compose.jvm.yml up -d" && pass

t "start falls back to docker-compose v1 when 'docker compose' is missing"
FAKE_DOCKER_NO_COMPOSE_V2=1 WITH_ENV=1 run start langflow
expect_rc 0 && expect_call "docker-compose -p langflow --env-file $CASE_DIR/.env -f $INFRA_DIR/langflow/docker-compose.yml up -d" && pass

t "a failing compose command makes start fail"
FAKE_DOCKER_FAIL_ON="up -d" WITH_ENV=1 run start activepieces
if [[ "$RC" != 0 ]]; then pass; else fail "expected non-zero exit"; fi

t "PowerShell-style and positional arguments are equivalent, case-insensitively"
WITH_ENV=1 run -ACTION Restart -SERVICE Langflow
expect_rc 0 && expect_call "$(compose_of langflow) restart" && pass

# ----------------------------------------------------------------------------- stop/restart/status
t "stop all: compose down in reverse order"
WITH_ENV=1 run stop
expect_rc 0 && expect_order "$(compose_of monitoring) down" "$(compose_of activepieces) down" \
  "$(compose_of langflow) down" "$(compose_of dify) down" "$(compose_of gateway) down" && pass

t "stop without infra/.env is a clear error"
run stop
expect_rc 1 && expect_err ".env not found" && expect_no_call "compose -p" && pass

t "restart one group"
WITH_ENV=1 run -Action restart -Service dify
expect_rc 0 && expect_call "$(compose_of dify) restart" && expect_no_call "$(compose_of langflow)" && pass

t "status shows the network and every group"
FAKE_DOCKER_NETWORK_EXISTS=0 WITH_ENV=1 run status
expect_rc 0 && expect_out "network ai-infra-net: MISSING" && expect_call "$(compose_of gateway) ps" &&
  expect_call "$(compose_of monitoring) ps" && pass

# ----------------------------------------------------------------------------- logs
t "logs -Follow of one group"
WITH_ENV=1 run -Action logs -Service gateway -Follow
expect_rc 0 && expect_call "$(compose_of gateway) logs --tail 100 -f" && pass

t "logs -Follow of all groups is refused"
WITH_ENV=1 run -Action logs -Follow
expect_rc 2 && expect_err "needs a single -Service" && expect_no_call "logs" && pass

t "logs -Tail sets the line count"
WITH_ENV=1 run logs langflow --tail 20
expect_rc 0 && expect_call "$(compose_of langflow) logs --tail 20" && expect_no_call "logs --tail 20 -f" && pass

# ----------------------------------------------------------------------------- health
t "health: table of every endpoint, exit 0 when all answer 2xx/3xx"
FAKE_CURL_CODES="http://localhost:80/=307" WITH_ENV=1 run health
if expect_rc 0 && expect_out "SERVICE" && expect_out "http://localhost:4000/health/readiness" &&
  expect_out "http://localhost:3000/q/health/ready" && expect_out "http://localhost:4100/q/health/ready" &&
  expect_out "http://localhost:5001/health" && expect_out "http://localhost:7860/health" &&
  expect_out "http://localhost:8080/api/v1/flags" && expect_out "http://localhost:9090/-/ready" &&
  expect_out "http://localhost:3001/api/health"; then
  if [[ "$(grep -c ' healthy$' <<<"$OUT")" == 9 ]]; then pass; else fail "expected 9 healthy rows"; fi
fi

t "health: a down and a 503 endpoint make it fail and are named"
FAKE_CURL_CODES="http://localhost:4000/health/readiness=000 http://localhost:4100/q/health/ready=503" run health -Service gateway
if expect_rc 1 && expect_err "2 endpoint(s) not healthy"; then
  if grep -q "model-gateway .* 000 *DOWN" <<<"$OUT" && grep -q "cost-tracker .* 503 *UNHEALTHY" <<<"$OUT" &&
    grep -q "mpc-api .* 200 *healthy" <<<"$OUT"; then
    pass
  else
    fail "table rows wrong"
  fi
fi

t "health uses the ports of the env file"
ENV_CONTENT="LANGFLOW_PORT=17860" run health langflow
expect_rc 0 && expect_out "http://localhost:17860/health" && pass

t "health uses the gateway group's ports of the env file"
ENV_CONTENT="GATEWAY_PORT=14000
MPC_API_PORT=13000
COST_TRACKER_PORT=14100" run health gateway
expect_rc 0 && expect_out "http://localhost:14000/health/readiness" && expect_out "http://localhost:13000/q/health/ready" &&
  expect_out "http://localhost:14100/q/health/ready" && expect_no_call "localhost:4000" && pass

# ----------------------------------------------------------------------------- network
t "network creates ai-infra-net when missing and shows it"
FAKE_DOCKER_NETWORK_EXISTS=0 run network
expect_rc 0 && expect_order "docker network inspect ai-infra-net" "docker network create --driver bridge ai-infra-net" &&
  pass

t "network leaves an existing ai-infra-net alone"
run -Action network
expect_rc 0 && expect_no_call "network create" && expect_out "ai-infra-net driver=bridge" && pass

# ----------------------------------------------------------------------------- backup / restore
t "backup of a running group: stop, one timestamped archive per volume, start"
FAKE_DOCKER_PS_Q="abc123" WITH_ENV=1 run -Action backup -Service langflow
if expect_rc 0 && expect_order "$(compose_of langflow) stop" "docker run --rm -v langflow-data:/volume:ro" \
  "docker run --rm -v langflow-db-data:/volume:ro" "$(compose_of langflow) start"; then
  archives="$(cd "$CASE_DIR/backups" && ls)"
  if [[ "$(grep -Ec '^langflow-data-[0-9]{8}-[0-9]{6}\.tar\.gz$' <<<"$archives")" == 1 &&
    "$(grep -Ec '^langflow-db-data-[0-9]{8}-[0-9]{6}\.tar\.gz$' <<<"$archives")" == 1 ]]; then
    pass
  else
    fail "archives: $archives"
  fi
fi

t "backup of a stopped group does not start it"
WITH_ENV=1 run backup activepieces
expect_rc 0 && expect_call "activepieces-db-data:/volume:ro" && expect_call "activepieces-redis-data:/volume:ro" &&
  expect_no_call "$(compose_of activepieces) stop" && expect_no_call "$(compose_of activepieces) start" && pass

t "backup skips a missing volume with a warning"
FAKE_DOCKER_MISSING_VOLUMES="grafana-data" WITH_ENV=1 run backup monitoring
expect_rc 0 && expect_err "volume grafana-data does not exist" && expect_call "prometheus-data:/volume:ro" &&
  expect_no_call "grafana-data:/volume:ro" && pass

t "backup fails when an archive cannot be written, and still restarts the group"
FAKE_DOCKER_PS_Q="abc" FAKE_DOCKER_FAIL_ON="run --rm" WITH_ENV=1 run backup gateway
expect_rc 1 && expect_err "backup of cost-tracker-db-data failed" && expect_call "$(compose_of gateway) start" && pass

restore_setup() {
  mkdir -p "$1/backups"
  local ts
  for ts in 20261127-090000 20261128-101500; do
    touch "$1/backups/langflow-data-$ts.tar.gz" "$1/backups/langflow-db-data-$ts.tar.gz"
  done
}

t "restore -Force uses the latest backup, replaces each volume, restarts a running group"
run_restore() {
  local case_dir
  case_dir="$(mktemp -d "$WORK/case.XXXXXX")"
  restore_setup "$case_dir"
  cp "$INFRA_DIR/.env.template" "$case_dir/.env"
  LOG="$case_dir/calls.log"
  : >"$LOG"
  CASE_DIR="$case_dir"
  OUT="$(env PATH="$TEST_DIR/fake-bin:$PATH" FAKE_DOCKER_LOG="$LOG" AI_INFRA_ENV_FILE="$case_dir/.env" \
    AI_INFRA_BACKUP_DIR="$case_dir/backups" "$SCRIPT" "$@" 2>"$case_dir/stderr" </dev/null)"
  RC=$?
  ERR="$(cat "$case_dir/stderr")"
}
FAKE_DOCKER_PS_Q="abc" run_restore -Action restore -Service langflow -Force
expect_rc 0 && expect_order "$(compose_of langflow) down" "docker volume create langflow-data" \
  "tar xzf /backup/langflow-data-20261128-101500.tar.gz" "docker volume create langflow-db-data" \
  "tar xzf /backup/langflow-db-data-20261128-101500.tar.gz" "$(compose_of langflow) up -d" && pass

t "restore -Timestamp picks that backup"
run_restore restore langflow --timestamp 20261127-090000 --force
expect_rc 0 && expect_call "langflow-data-20261127-090000.tar.gz" && expect_no_call "20261128-101500" &&
  expect_no_call "$(compose_of langflow) up -d" && pass

t "restore without -Force on a non-interactive shell refuses and touches nothing"
run_restore restore langflow
expect_rc 2 && expect_err "pass -Force" && expect_no_call "compose -p langflow --env-file $CASE_DIR/.env -f $INFRA_DIR/langflow/docker-compose.yml down" &&
  expect_no_call "docker run" && pass

t "restore with no backup of the group fails clearly"
run_restore restore dify -Force
expect_rc 1 && expect_err "no backup of dify found" && expect_no_call "docker run" && pass

t "restore with an incomplete backup set fails before changing anything"
run_restore restore langflow -Force -Timestamp 20261128-101500
rm -f "$CASE_DIR/backups/langflow-db-data-20261128-101500.tar.gz"
OUT="$(env PATH="$TEST_DIR/fake-bin:$PATH" FAKE_DOCKER_LOG="$LOG" AI_INFRA_ENV_FILE="$CASE_DIR/.env" \
  AI_INFRA_BACKUP_DIR="$CASE_DIR/backups" "$SCRIPT" restore langflow -Force -Timestamp 20261128-101500 2>"$CASE_DIR/stderr" </dev/null)"
RC=$?
ERR="$(cat "$CASE_DIR/stderr")"
expect_rc 1 && expect_err "missing archive" && pass

# ----------------------------------------------------------------------------- quick start backup / restore
# A fake quick-start data directory: database files, a spool record, logs and AOT caches (not state).
quickstart_setup() { # quickstart_setup DIR MARKER
  mkdir -p "$1/cost-tracker-pg/base" "$1/gateway-spool" "$1/logs" "$1/aot"
  echo "$2" >"$1/cost-tracker-pg/base/16384"
  echo "{\"event_id\":\"$2\"}" >"$1/gateway-spool/usage-000001.log"
  echo "log line" >"$1/logs/cost-tracker.log"
  echo "cache" >"$1/aot/model-gateway.aot"
}
run_quickstart() { # run_quickstart DATA_DIR ARGS...: like run, with RUN_LOCAL_DATA_DIR and no env file
  local data="$1" case_dir
  shift
  case_dir="$(mktemp -d "$WORK/case.XXXXXX")"
  LOG="$case_dir/calls.log"
  : >"$LOG"
  CASE_DIR="$case_dir"
  OUT="$(env PATH="$TEST_DIR/fake-bin:$PATH" FAKE_DOCKER_LOG="$LOG" AI_INFRA_ENV_FILE="$case_dir/.env" \
    AI_INFRA_BACKUP_DIR="$WORK/qs-backups" RUN_LOCAL_DATA_DIR="$data" "$SCRIPT" "$@" 2>"$case_dir/stderr" </dev/null)"
  RC=$?
  ERR="$(cat "$case_dir/stderr")"
}
QS="$WORK/qs-data"

t "backup -Service quickstart archives the database and spool, not logs or AOT caches, without docker"
quickstart_setup "$QS" first
run_quickstart "$QS" backup -Service quickstart
QS_ARCHIVE=""
for f in "$WORK"/qs-backups/quickstart-*.tar.gz; do
  [[ "${f##*/}" =~ ^quickstart-[0-9]{8}-[0-9]{6}\.tar\.gz$ ]] && QS_ARCHIVE="${f##*/}"
done
if expect_rc 0 && expect_no_calls && [[ -n "$QS_ARCHIVE" ]]; then
  listing="$(tar tzf "$WORK/qs-backups/$QS_ARCHIVE")"
  if grep -q 'cost-tracker-pg/base/16384' <<<"$listing" && grep -q 'gateway-spool/usage-000001.log' <<<"$listing" &&
    ! grep -q -e 'logs/' -e 'aot/' <<<"$listing"; then pass; else fail "archive holds: $listing"; fi
else
  [[ -n "$QS_ARCHIVE" ]] || fail "no quickstart archive in $WORK/qs-backups"
fi

t "backup -Service quickstart refuses while run-local.sh runs on the data directory"
sleep 300 &
QS_HOLDER=$!
echo "$QS_HOLDER" >"$QS/run-local.pid"
run_quickstart "$QS" backup quickstart
expect_rc 1 && expect_err "infra/run-local.sh (pid $QS_HOLDER) is running" && expect_err "stop the quick start first" && pass

t "backup -Service quickstart refuses while the embedded PostgreSQL runs"
rm -f "$QS/run-local.pid"
printf '%s\n/data\n' "$QS_HOLDER" >"$QS/cost-tracker-pg/postmaster.pid"
run_quickstart "$QS" backup quickstart
expect_rc 1 && expect_err "the embedded PostgreSQL (pid $QS_HOLDER) is running" && pass

t "restore -Service quickstart refuses while the stack runs and leaves the data alone"
run_quickstart "$QS" restore quickstart -Force
expect_rc 1 && expect_err "is running" && [[ "$(cat "$QS/cost-tracker-pg/base/16384")" == first ]] && pass
kill "$QS_HOLDER" 2>/dev/null
wait "$QS_HOLDER" 2>/dev/null
rm -f "$QS/cost-tracker-pg/postmaster.pid"

t "restore -Service quickstart without -Force on a non-interactive shell refuses"
echo second >"$QS/cost-tracker-pg/base/16384"
run_quickstart "$QS" restore quickstart
expect_rc 2 && expect_err "pass -Force" && [[ "$(cat "$QS/cost-tracker-pg/base/16384")" == second ]] && pass

t "restore -Service quickstart -Force puts back the backed-up database and spool, keeps logs, drops newer state"
echo "new spool" >"$QS/gateway-spool/usage-000002.log"
run_quickstart "$QS" restore -Service quickstart -Force
if expect_rc 0 && expect_no_calls && expect_out "restored $QS"; then
  if [[ "$(cat "$QS/cost-tracker-pg/base/16384")" == first && ! -e "$QS/gateway-spool/usage-000002.log" &&
    -f "$QS/gateway-spool/usage-000001.log" && -f "$QS/logs/cost-tracker.log" &&
    -z "$(find "$QS" -maxdepth 1 -name '.restore-*')" ]]; then
    pass
  else
    fail "data after restore: $(find "$QS" -type f | sort | tr '\n' ' ')"
  fi
fi

t "restore -Service quickstart with a broken archive leaves the data untouched"
echo third >"$QS/cost-tracker-pg/base/16384"
echo "not gzip" >"$WORK/qs-backups/quickstart-29991231-235959.tar.gz"
run_quickstart "$QS" restore quickstart -Force
expect_rc 1 && expect_err "cannot unpack" && [[ "$(cat "$QS/cost-tracker-pg/base/16384")" == third ]] &&
  [[ -z "$(find "$QS" -maxdepth 1 -name '.restore-*')" ]] && pass
rm -f "$WORK/qs-backups/quickstart-29991231-235959.tar.gz"

t "-Service quickstart takes backup and restore only, and all does not include it"
run start -Service quickstart
expect_rc 2 && expect_err "takes backup and restore only" && expect_no_calls && pass

# ----------------------------------------------------------------------------- keys
GEN_BODY='{"key_alias":"x","key":"sk-FAKEgenerated123","token":"abc"}'
t "keys creates one budgeted key per app through the gateway and writes it to the env file"
FAKE_CURL_BODY="$GEN_BODY" ENV_CONTENT=$'LITELLM_MASTER_KEY=sk-master-1\nGATEWAY_PORT=4010\nAPP_BUDGET_USD=25\nDIFY_GATEWAY_KEY=\nLANGFLOW_GATEWAY_KEY=' run keys
if expect_rc 0 && expect_call "http://localhost:4010/key/generate" && expect_call '"key_alias":"dify","max_budget":25,"budget_duration":"30d"' &&
  expect_call '"key_alias":"langflow"' && expect_call '"key_alias":"activepieces"' &&
  expect_call "Authorization: Bearer sk-master-1" && expect_out "start -Service gateway"; then
  envf="$(cat "$CASE_DIR/.env")"
  if [[ "$envf" == *"DIFY_GATEWAY_KEY=sk-FAKEgenerated123"* && "$envf" == *"LANGFLOW_GATEWAY_KEY=sk-FAKEgenerated123"* &&
    "$envf" == *"ACTIVEPIECES_GATEWAY_KEY=sk-FAKEgenerated123"* && "$(grep -c '^DIFY_GATEWAY_KEY=' "$CASE_DIR/.env")" == 1 ]]; then
    pass
  else
    fail "env file: $envf"
  fi
fi

t "keys keeps an app's existing key and can be limited to one app"
FAKE_CURL_BODY="$GEN_BODY" ENV_CONTENT=$'LITELLM_MASTER_KEY=sk-master-1\nDIFY_GATEWAY_KEY=sk-already' run keys -Service dify
expect_rc 0 && expect_out "dify already has a gateway key" && expect_no_call "/key/generate" &&
  [[ "$(cat "$CASE_DIR/.env")" == *"DIFY_GATEWAY_KEY=sk-already"* ]] && pass

t "keys fails clearly when the gateway is not running, writing nothing"
FAKE_CURL_DEFAULT=000 ENV_CONTENT=$'LITELLM_MASTER_KEY=sk-master-1' run keys langflow
expect_rc 1 && expect_err "is the gateway group running" && [[ "$(cat "$CASE_DIR/.env")" != *"LANGFLOW_GATEWAY_KEY"* ]] && pass

t "keys refuses a non-app service and a bad budget before calling anything"
ENV_CONTENT=$'LITELLM_MASTER_KEY=sk-master-1' run keys -Service monitoring
expect_rc 2 && expect_err "keys takes an app" && expect_no_calls && pass
ENV_CONTENT=$'LITELLM_MASTER_KEY=sk-master-1\nAPP_BUDGET_USD=lots' run keys
expect_rc 2 && expect_err "APP_BUDGET_USD must be a number" && expect_no_calls && pass

# ----------------------------------------------------------------------------- update
t "update gateway: pull, rebuild our images, up -d"
WITH_ENV=1 run -Action update -Service gateway
expect_rc 0 && expect_order "$(compose_of gateway) pull --ignore-pull-failures" "$(compose_of gateway) build --pull" \
  "$(compose_of gateway) up -d --remove-orphans" && pass

t "update of a third-party group does not build"
WITH_ENV=1 run update dify
expect_rc 0 && expect_call "$(compose_of dify) pull --ignore-pull-failures" && expect_no_call "build" &&
  expect_call "$(compose_of dify) up -d --remove-orphans" && pass

echo "manage tests: $PASSED passed, $FAILED failed"
((FAILED == 0))
