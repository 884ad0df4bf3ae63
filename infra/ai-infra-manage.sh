#!/usr/bin/env bash
# Manages the local AI infra stack (Linux, macOS, WSL): the compose groups under infra/ that join the
# external network ai-infra-net. Mirrors infra/ai-infra-manage.ps1 action for action.
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NETWORK="ai-infra-net"
# Start order: the gateway group first, since the apps call it; stop runs in reverse.
GROUPS_ORDER=(gateway dify langflow activepieces monitoring)
# The quick start (infra/run-local.sh, embedded PostgreSQL) is not a compose group: only backup and restore
# apply to it, and "all" does not include it.
QUICKSTART_SERVICE="quickstart"
# The apps that call mpc-api, each with its own gateway key (`keys`).
KEY_APPS="dify langflow activepieces"
ACTIONS="start stop restart status logs health network backup restore update keys"
ENV_FILE="${AI_INFRA_ENV_FILE:-$INFRA_DIR/.env}"
TEMPLATE_FILE="$INFRA_DIR/.env.template"
BACKUP_IMAGE="${AI_INFRA_BACKUP_IMAGE:-alpine:3.20.3}"
CURL_TIMEOUT="${AI_INFRA_HEALTH_TIMEOUT:-5}"
START_TIMEOUT="${AI_INFRA_START_TIMEOUT:-900}"
START_POLL="${AI_INFRA_START_POLL:-5}"

usage() {
  cat <<'EOF'
Usage: ai-infra-manage.sh [-Action] ACTION [-Service SERVICE] [options]
       (also: ai-infra-manage.sh ACTION [SERVICE] [--follow] ...; options are case-insensitive)

Actions:
  start     create ai-infra-net and infra/.env if missing, then `compose up -d` (re-creates containers whose
            .env values changed), wait until every started service is healthy, print URLs and logins
  stop      `compose down` (containers removed, named volumes kept), reverse order
  restart   `compose restart`
  status    network state and `compose ps` of each service group
  logs      `compose logs --tail N` (-Follow streams; needs a single -Service)
  health    table of every service's health endpoint; exit 1 if one is not healthy
  network   create ai-infra-net if missing and show it
  backup    archive the group's named volumes to <backup dir>/<volume>-<YYYYmmdd-HHMMSS>.tar.gz
            (containers are stopped during the copy and started again)
  restore   replace the named volumes with the archives of -Timestamp (default: latest); needs -Force
            or a typed confirmation
  update    pull newer images (and rebuild our own), then `compose up -d`
  keys      give each app (dify, langflow, activepieces; or -Service one of them) its own gateway virtual key
            with a budget (APP_BUDGET_USD per APP_BUDGET_DURATION in the env file), created through the running
            gateway with the master key and written to the env file as <APP>_GATEWAY_KEY; an app that has one
            keeps it. Then `start -Service gateway` re-creates mpc-api with them.

Services: all (default) | gateway | dify | langflow | activepieces | monitoring
          quickstart (backup and restore only): the data directory of infra/run-local.sh (embedded
          PostgreSQL, usage spool; logs and AOT caches left out) to <backup dir>/quickstart-<ts>.tar.gz.
          The quick-start stack must be stopped: a running database's files are not a consistent copy.

Options:
  -Service, --service NAME   service group (default all)
  -Follow, --follow, -f      follow logs
  -Tail, --tail N            log lines to show (default 100)
  -Timestamp, --timestamp TS backup to restore, e.g. 20261128-101500 (default: latest)
  -Force, --force, --yes     do not ask before restore
  -h, --help                 this help

Environment:
  AI_INFRA_ENV_FILE        env file given to compose (default infra/.env)
  AI_INFRA_BACKUP_DIR      backup directory (default infra/backups; also read from the env file)
  AI_INFRA_COMPOSE         compose command, e.g. "docker-compose" (default: "docker compose" if available)
  AI_INFRA_BACKUP_IMAGE    image used to archive volumes (default alpine:3.20.3)
  RUN_LOCAL_DATA_DIR       the quick start's data directory (default ./data of the checkout), as run-local.sh
  AI_INFRA_HEALTH_TIMEOUT  seconds per health request (default 5)
  AI_INFRA_START_TIMEOUT   seconds `start` waits for the services to become healthy (default 900)
  AI_INFRA_START_POLL      seconds between two health rounds of `start` (default 5)
  MPC_IMAGE_FLAVOR         native (default) or jvm: JVM images for the gateway group

Keys: -Service all (default) | dify | langflow | activepieces

Exit codes: 0 ok, 1 failure, 2 usage error (unknown action/service, bad option), 3 Docker unavailable.
EOF
}

die() { # die CODE MESSAGE
  echo "error: $2" >&2
  exit "$1"
}
info() { echo "==> $*"; }
join_by() { # join_by SEP ITEMS...
  local sep="$1" out="$2"
  shift 2
  while (($#)); do out+="$sep$1"; shift; done
  printf '%s' "$out"
}
# Bash 3.2 (macOS /bin/bash) has no ${var,,}.
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

# ---------------------------------------------------------------------------- arguments
ACTION=""
SERVICE="all"
FOLLOW=false
FORCE=false
TAIL=100
TIMESTAMP=""

parse_args() {
  local positional=() arg
  while (($#)); do
    arg="$1"
    case "$(lower "$arg")" in
      -h | --help | -help) usage; exit 0 ;;
      -action | --action) (($# >= 2)) || die 2 "$arg needs a value"; ACTION="$2"; shift ;;
      --action=*) ACTION="${arg#*=}" ;;
      -service | --service) (($# >= 2)) || die 2 "$arg needs a value"; SERVICE="$2"; shift ;;
      --service=*) SERVICE="${arg#*=}" ;;
      -follow | --follow | -f) FOLLOW=true ;;
      -force | --force | --yes | -y) FORCE=true ;;
      -tail | --tail) (($# >= 2)) || die 2 "$arg needs a value"; TAIL="$2"; shift ;;
      --tail=*) TAIL="${arg#*=}" ;;
      -timestamp | --timestamp) (($# >= 2)) || die 2 "$arg needs a value"; TIMESTAMP="$2"; shift ;;
      --timestamp=*) TIMESTAMP="${arg#*=}" ;;
      -*) die 2 "unknown option '$arg' (see --help)" ;;
      *) positional+=("$arg") ;;
    esac
    shift
  done
  # "${a[@]}" of an empty array is an unbound-variable error under set -u in bash < 4.4.
  if [[ -z "$ACTION" && ${#positional[@]} -gt 0 ]]; then
    ACTION="${positional[0]}"
    positional=(${positional[@]+"${positional[@]:1}"})
  fi
  if [[ ${#positional[@]} -gt 0 ]]; then
    [[ "$SERVICE" == "all" && ${#positional[@]} -eq 1 ]] || die 2 "unexpected arguments: ${positional[*]}"
    SERVICE="${positional[0]}"
  fi
  [[ -n "$ACTION" ]] || { usage >&2; exit 2; }
  ACTION="$(lower "$ACTION")"
  SERVICE="$(lower "$SERVICE")"
  [[ " $ACTIONS " == *" $ACTION "* ]] || die 2 "unknown action '$ACTION' (valid: ${ACTIONS// /, })"
  [[ "$SERVICE" == "all" || "$SERVICE" == "$QUICKSTART_SERVICE" || " ${GROUPS_ORDER[*]} " == *" $SERVICE "* ]] ||
    die 2 "unknown service '$SERVICE' (valid: all, $(join_by ', ' "${GROUPS_ORDER[@]}"), $QUICKSTART_SERVICE)"
  if [[ "$ACTION" == "keys" ]]; then
    [[ "$SERVICE" == "all" || " $KEY_APPS " == *" $SERVICE "* ]] ||
      die 2 "keys takes an app: all, ${KEY_APPS// /, }"
  fi
  [[ "$SERVICE" != "$QUICKSTART_SERVICE" || "$ACTION" == "backup" || "$ACTION" == "restore" ]] ||
    die 2 "-Service $QUICKSTART_SERVICE takes backup and restore only; infra/run-local.sh starts and stops the quick start"
  [[ "$TAIL" =~ ^[0-9]+$ ]] || die 2 "-Tail needs a number, got '$TAIL'"
  [[ -z "$TIMESTAMP" || "$TIMESTAMP" =~ ^[0-9]{8}-[0-9]{6}$ ]] ||
    die 2 "-Timestamp must look like YYYYmmdd-HHMMSS, got '$TIMESTAMP'"
}

# ---------------------------------------------------------------------------- helpers
selected_groups() { # in start order
  if [[ "$SERVICE" == "all" ]]; then printf '%s\n' "${GROUPS_ORDER[@]}"; else echo "$SERVICE"; fi
}
selected_groups_reversed() {
  local group out=()
  for group in $(selected_groups); do out=("$group" ${out[@]+"${out[@]}"}); done
  printf '%s\n' "${out[@]}"
}

group_volumes() {
  case "$1" in
    gateway) echo "cost-tracker-db-data model-gateway-data" ;;
    dify) echo "dify-db-data dify-redis-data dify-storage dify-plugin-data" ;;
    langflow) echo "langflow-data langflow-db-data" ;;
    activepieces) echo "activepieces-db-data activepieces-redis-data" ;;
    monitoring) echo "prometheus-data grafana-data" ;;
  esac
}

# Value of NAME in the env file (no sourcing: values may hold shell metacharacters), else DEFAULT.
env_get() {
  local name="$1" default="$2" line value=""
  if [[ -f "$ENV_FILE" ]]; then
    line="$(grep -E "^${name}=" "$ENV_FILE" | tail -n 1 || true)"
    value="${line#*=}"
  fi
  if [[ -n "$value" ]]; then echo "$value"; else echo "$default"; fi
}

# Endpoints checked by `health`: "name url" per line.
group_endpoints() {
  case "$1" in
    gateway)
      echo "model-gateway http://localhost:$(env_get GATEWAY_PORT 4000)/health/readiness"
      echo "mpc-api http://localhost:$(env_get MPC_API_PORT 3000)/q/health/ready"
      echo "cost-tracker http://localhost:$(env_get COST_TRACKER_PORT 4100)/q/health/ready"
      ;;
    dify)
      echo "dify-api http://localhost:$(env_get DIFY_API_PORT 5001)/health"
      echo "dify-web http://localhost:$(env_get DIFY_WEB_PORT 80)/"
      ;;
    langflow) echo "langflow http://localhost:$(env_get LANGFLOW_PORT 7860)/health" ;;
    activepieces) echo "activepieces http://localhost:$(env_get ACTIVEPIECES_PORT 8080)/api/v1/flags" ;;
    monitoring)
      echo "prometheus http://localhost:$(env_get PROMETHEUS_PORT 9090)/-/ready"
      echo "grafana http://localhost:$(env_get GRAFANA_PORT 3001)/api/health"
      ;;
  esac
}

require_docker() {
  command -v docker >/dev/null 2>&1 ||
    die 3 "docker is not installed or not on PATH (install Docker Desktop / Docker Engine)"
  docker info >/dev/null 2>&1 ||
    die 3 "Docker is not running (docker info failed): start Docker Desktop or the docker service, then retry"
}

COMPOSE=()
detect_compose() {
  if [[ -n "${AI_INFRA_COMPOSE:-}" ]]; then
    read -r -a COMPOSE <<<"$AI_INFRA_COMPOSE"
  elif docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    die 3 "neither 'docker compose' nor 'docker-compose' is available"
  fi
}

compose() { # compose GROUP ARGS...
  local group="$1"
  shift
  local files=(-f "$INFRA_DIR/$group/docker-compose.yml")
  if [[ "$group" == "gateway" && "${MPC_IMAGE_FLAVOR:-$(env_get MPC_IMAGE_FLAVOR native)}" == "jvm" ]]; then
    files+=(-f "$INFRA_DIR/gateway/docker-compose.jvm.yml")
  fi
  "${COMPOSE[@]}" -p "$group" --env-file "$ENV_FILE" "${files[@]}" "$@"
}

random_hex() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

ensure_env_file() {
  [[ -f "$ENV_FILE" ]] && return 0
  [[ -f "$TEMPLATE_FILE" ]] || die 1 "$TEMPLATE_FILE is missing"
  local line content=""
  while IFS= read -r line || [[ -n "$line" ]]; do
    while [[ "$line" == *__GENERATE__* ]]; do
      line="${line/__GENERATE__/$(random_hex)}"
    done
    content+="$line"$'\n'
  done <"$TEMPLATE_FILE"
  (umask 077 && printf '%s' "$content" >"$ENV_FILE")
  info "created $ENV_FILE from .env.template with random secrets (add provider keys there)"
}

require_env_file() {
  [[ -f "$ENV_FILE" ]] ||
    die 1 "$ENV_FILE not found: run '$0 start' (creates it) or copy infra/.env.template to it"
}

ensure_network() {
  if docker network inspect "$NETWORK" >/dev/null 2>&1; then
    return 0
  fi
  info "creating network $NETWORK"
  docker network create --driver bridge "$NETWORK" >/dev/null
}

backup_dir() {
  local dir="${AI_INFRA_BACKUP_DIR:-}"
  [[ -n "$dir" ]] || dir="$(env_get AI_INFRA_BACKUP_DIR "$INFRA_DIR/backups")"
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

group_running() { [[ -n "$(compose "$1" ps -q 2>/dev/null || true)" ]]; }

# HTTP status of URL, 000 when it does not answer.
http_code() {
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time "$CURL_TIMEOUT" "$1" 2>/dev/null || true)"
  [[ "$code" =~ ^[0-9]{3}$ ]] || code=000
  echo "$code"
}

# Waits until every endpoint of the selected groups answers 2xx/3xx; fails naming the ones that do not.
wait_healthy() {
  if ! command -v curl >/dev/null 2>&1; then
    echo "warning: curl is not installed: not waiting for the services (check them later with: $0 health)" >&2
    return 0
  fi
  info "waiting until the started services are healthy (up to $START_TIMEOUT s; the first native build takes longer)"
  local deadline=$(($(date +%s) + START_TIMEOUT)) group name url code pending
  while true; do
    pending=()
    for group in $(selected_groups); do
      while read -r name url; do
        code="$(http_code "$url")"
        ((code >= 200 && code < 400)) || pending+=("$name")
      done < <(group_endpoints "$group")
    done
    ((${#pending[@]} == 0)) && return 0
    if (($(date +%s) >= deadline)); then
      die 1 "not healthy after $START_TIMEOUT s: ${pending[*]} (see: $0 health; $0 logs -Service <group>)"
    fi
    sleep "$START_POLL"
  done
}

# What is where, and the logins generated into the env file, for the started groups.
print_access() {
  local group
  echo
  echo "AI infra is up. URLs and logins (from $ENV_FILE):"
  for group in $(selected_groups); do
    case "$group" in
      gateway)
        echo "  Admin UI        http://localhost:$(env_get GATEWAY_PORT 4000)/ui    login: the master key below"
        echo "  model-gateway   http://localhost:$(env_get GATEWAY_PORT 4000)/v1    master key: $(env_get LITELLM_MASTER_KEY '?')"
        echo "  mpc-api         http://localhost:$(env_get MPC_API_PORT 3000)/api   app tokens: dify $(env_get DIFY_MPC_TOKEN '?'), langflow $(env_get LANGFLOW_MPC_TOKEN '?'), activepieces $(env_get ACTIVEPIECES_MPC_TOKEN '?')"
        echo "  cost-tracker    http://localhost:$(env_get COST_TRACKER_PORT 4100)       admin: the master key"
        ;;
      dify) echo "  Dify            http://localhost:$(env_get DIFY_WEB_PORT 80)/    (the first visit creates the admin account)" ;;
      langflow) echo "  Langflow        http://localhost:$(env_get LANGFLOW_PORT 7860)/    login: $(env_get LANGFLOW_SUPERUSER admin) / $(env_get LANGFLOW_SUPERUSER_PASSWORD '?')" ;;
      activepieces) echo "  Activepieces    http://localhost:$(env_get ACTIVEPIECES_PORT 8080)/    (the first visit creates the admin account)" ;;
      monitoring)
        echo "  Grafana         http://localhost:$(env_get GRAFANA_PORT 3001)/    login: $(env_get GRAFANA_ADMIN_USER admin) / $(env_get GRAFANA_ADMIN_PASSWORD '?')"
        echo "  Prometheus      http://localhost:$(env_get PROMETHEUS_PORT 9090)/"
        ;;
    esac
  done
}

# ---------------------------------------------------------------------------- actions
action_start() {
  require_docker
  detect_compose
  ensure_env_file
  ensure_network
  local group
  for group in $(selected_groups); do
    info "starting $group"
    compose "$group" up -d
  done
  wait_healthy
  print_access
}

action_stop() {
  require_docker
  detect_compose
  require_env_file
  local group
  for group in $(selected_groups_reversed); do
    info "stopping $group"
    compose "$group" down
  done
}

action_restart() {
  require_docker
  detect_compose
  require_env_file
  local group
  for group in $(selected_groups); do
    info "restarting $group"
    compose "$group" restart
  done
}

action_status() {
  require_docker
  detect_compose
  require_env_file
  if docker network inspect "$NETWORK" >/dev/null 2>&1; then
    echo "network $NETWORK: present"
  else
    echo "network $NETWORK: MISSING (run: $0 network)"
  fi
  local group
  for group in $(selected_groups); do
    echo "--- $group"
    compose "$group" ps
  done
}

action_logs() {
  if [[ "$FOLLOW" == true && "$SERVICE" == "all" ]]; then
    die 2 "-Follow needs a single -Service (one of: $(join_by ', ' "${GROUPS_ORDER[@]}"))"
  fi
  require_docker
  detect_compose
  require_env_file
  local group args=(logs --tail "$TAIL")
  [[ "$FOLLOW" == true ]] && args+=(-f)
  for group in $(selected_groups); do
    echo "--- $group"
    compose "$group" "${args[@]}"
  done
}

action_health() {
  command -v curl >/dev/null 2>&1 || die 1 "curl is required for health checks"
  local group name url code state failures=0
  printf '%-16s %-48s %-6s %s\n' SERVICE ENDPOINT HTTP STATE
  for group in $(selected_groups); do
    while read -r name url; do
      code="$(http_code "$url")"
      if [[ "$code" == 000 ]]; then
        state="DOWN"
        failures=$((failures + 1))
      elif ((code >= 200 && code < 400)); then
        state="healthy"
      else
        state="UNHEALTHY"
        failures=$((failures + 1))
      fi
      printf '%-16s %-48s %-6s %s\n' "$name" "$url" "$code" "$state"
    done < <(group_endpoints "$group")
  done
  if ((failures > 0)); then
    echo "$failures endpoint(s) not healthy" >&2
    return 1
  fi
}

action_network() {
  require_docker
  ensure_network
  docker network inspect "$NETWORK" \
    --format '{{.Name}} driver={{.Driver}} containers={{range .Containers}}{{.Name}} {{end}}'
}

# ---------------------------------------------------------------------------- quick start (run-local.sh)
quickstart_dir() { echo "${RUN_LOCAL_DATA_DIR:-$(dirname "$INFRA_DIR")/data}"; }

# Prints what runs on the quick-start data directory (run-local.sh's lock, or a PostgreSQL whose
# postmaster.pid names a live process) and succeeds if something does.
quickstart_owner() {
  local data pid
  data="$(quickstart_dir)"
  pid="$(head -n 1 "$data/run-local.pid" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    echo "infra/run-local.sh (pid $pid)"
    return 0
  fi
  pid="$(head -n 1 "$data/cost-tracker-pg/postmaster.pid" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    echo "the embedded PostgreSQL (pid $pid)"
    return 0
  fi
  return 1
}

require_quickstart_stopped() {
  local owner
  if owner="$(quickstart_owner)"; then
    die 1 "$owner is running on $(quickstart_dir): stop the quick start first (Ctrl-C in infra/run-local.sh); a copy of a running database is not consistent"
  fi
}

backup_quickstart() {
  local data dir ts archive
  data="$(quickstart_dir)"
  [[ -d "$data" ]] || die 1 "no quick-start data directory $data (set RUN_LOCAL_DATA_DIR if the stack uses another)"
  require_quickstart_stopped
  dir="$(backup_dir)"
  ts="$(date +%Y%m%d-%H%M%S)"
  archive="$QUICKSTART_SERVICE-$ts.tar.gz"
  # Logs and AOT caches are not state; the lock file belongs to a stack that no longer runs.
  if tar czf "$dir/$archive" -C "$data" --exclude=./logs --exclude=./aot --exclude=./run-local.pid .; then
    info "backed up $data -> $dir/$archive"
  else
    rm -f "$dir/$archive"
    die 1 "backup of $data failed"
  fi
}

restore_quickstart() {
  local data dir ts answer staging entry
  data="$(quickstart_dir)"
  dir="$(backup_dir)"
  ts="$TIMESTAMP"
  [[ -n "$ts" ]] || ts="$(latest_timestamp "$dir" "$QUICKSTART_SERVICE")"
  [[ -n "$ts" ]] || die 1 "no backup of $QUICKSTART_SERVICE found in $dir"
  [[ -f "$dir/$QUICKSTART_SERVICE-$ts.tar.gz" ]] || die 1 "missing archive $dir/$QUICKSTART_SERVICE-$ts.tar.gz"
  require_quickstart_stopped
  if [[ "$FORCE" != true ]]; then
    [[ -t 0 ]] || die 2 "restore replaces the quick start's database: pass -Force to run it non-interactively"
    echo "This REPLACES the database and usage spool in $data with the backup $ts"
    read -r -p "Type 'yes' to continue: " answer
    [[ "$answer" == "yes" ]] || die 1 "restore cancelled"
  fi
  mkdir -p "$data"
  # Unpack beside the data first: a broken archive leaves the current data untouched.
  staging="$(mktemp -d "$data/.restore-XXXXXX")"
  if ! tar xzf "$dir/$QUICKSTART_SERVICE-$ts.tar.gz" -C "$staging"; then
    rm -rf "$staging"
    die 1 "cannot unpack $dir/$QUICKSTART_SERVICE-$ts.tar.gz; $data is unchanged"
  fi
  for entry in "$data"/* "$data"/.[!.]*; do
    [[ -e "$entry" && "$entry" != "$staging" && "${entry##*/}" != logs && "${entry##*/}" != aot ]] || continue
    rm -rf "$entry"
  done
  for entry in "$staging"/* "$staging"/.[!.]*; do
    [[ -e "$entry" ]] && mv "$entry" "$data/"
  done
  rmdir "$staging"
  info "restored $data from $ts"
}

action_backup() {
  if [[ "$SERVICE" == "$QUICKSTART_SERVICE" ]]; then
    backup_quickstart
    return
  fi
  require_docker
  detect_compose
  require_env_file
  local dir ts group vol archive failed=0 was_running
  dir="$(backup_dir)"
  ts="$(date +%Y%m%d-%H%M%S)"
  for group in $(selected_groups); do
    was_running=false
    if group_running "$group"; then
      was_running=true
      info "stopping $group for a consistent copy"
      compose "$group" stop
    fi
    for vol in $(group_volumes "$group"); do
      if ! docker volume inspect "$vol" >/dev/null 2>&1; then
        echo "warning: volume $vol does not exist, skipped" >&2
        continue
      fi
      archive="$vol-$ts.tar.gz"
      if docker run --rm -v "$vol:/volume:ro" -v "$dir:/backup" "$BACKUP_IMAGE" \
        tar czf "/backup/$archive" -C /volume .; then
        info "backed up $vol -> $dir/$archive"
      else
        echo "error: backup of $vol failed" >&2
        failed=1
      fi
    done
    if [[ "$was_running" == true ]]; then
      info "starting $group again"
      compose "$group" start
    fi
  done
  return "$failed"
}

latest_timestamp() { # latest_timestamp DIR VOLUME
  local f latest=""
  for f in "$1/$2"-*.tar.gz; do
    [[ -e "$f" ]] || continue
    f="${f##*/"$2"-}"
    f="${f%.tar.gz}"
    [[ "$f" =~ ^[0-9]{8}-[0-9]{6}$ && "$f" > "$latest" ]] && latest="$f"
  done
  echo "$latest"
}

action_restore() {
  if [[ "$SERVICE" == "$QUICKSTART_SERVICE" ]]; then
    restore_quickstart
    return
  fi
  require_docker
  detect_compose
  require_env_file
  local dir group vol ts vols answer was_running
  dir="$(backup_dir)"
  # Check every archive before touching anything.
  local plan=()
  for group in $(selected_groups); do
    read -r -a vols <<<"$(group_volumes "$group")"
    ts="$TIMESTAMP"
    [[ -n "$ts" ]] || ts="$(latest_timestamp "$dir" "${vols[0]}")"
    [[ -n "$ts" ]] || die 1 "no backup of $group found in $dir"
    for vol in "${vols[@]}"; do
      [[ -f "$dir/$vol-$ts.tar.gz" ]] || die 1 "missing archive $dir/$vol-$ts.tar.gz"
    done
    plan+=("$group:$ts")
  done
  if [[ "$FORCE" != true ]]; then
    [[ -t 0 ]] || die 2 "restore replaces volume contents: pass -Force to run it non-interactively"
    echo "This REPLACES the contents of the named volumes of: ${plan[*]}"
    read -r -p "Type 'yes' to continue: " answer
    [[ "$answer" == "yes" ]] || die 1 "restore cancelled"
  fi
  local item
  for item in "${plan[@]}"; do
    group="${item%%:*}"
    ts="${item#*:}"
    was_running=false
    group_running "$group" && was_running=true
    info "restoring $group from $ts"
    compose "$group" down
    for vol in $(group_volumes "$group"); do
      docker volume create "$vol" >/dev/null
      docker run --rm -v "$vol:/volume" -v "$dir:/backup:ro" "$BACKUP_IMAGE" \
        sh -c "find /volume -mindepth 1 -delete && tar xzf /backup/$vol-$ts.tar.gz -C /volume"
      info "restored $vol"
    done
    if [[ "$was_running" == true ]]; then
      compose "$group" up -d
    fi
  done
}

action_update() {
  require_docker
  detect_compose
  require_env_file
  ensure_network
  local group
  for group in $(selected_groups); do
    info "updating $group"
    compose "$group" pull --ignore-pull-failures
    if [[ "$group" == "gateway" ]]; then
      compose "$group" build --pull
    fi
    compose "$group" up -d --remove-orphans
  done
}

# ---------------------------------------------------------------------------- keys
# Sets NAME=VALUE in the env file (replaces the line, or appends it).
env_set() {
  local name="$1" value="$2" tmp
  tmp="$(mktemp "$ENV_FILE.XXXXXX")"
  if grep -qE "^${name}=" "$ENV_FILE"; then
    awk -v n="$name" -v v="$value" 'index($0, n "=") == 1 { print n "=" v; next } { print }' "$ENV_FILE" >"$tmp"
  else
    cat "$ENV_FILE" >"$tmp"
    printf '%s=%s\n' "$name" "$value" >>"$tmp"
  fi
  chmod --reference="$ENV_FILE" "$tmp" 2>/dev/null || chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

action_keys() {
  require_env_file
  command -v curl >/dev/null 2>&1 || die 1 "curl is required to create keys"
  local base master budget duration app var existing body code out key created=0
  base="http://localhost:$(env_get GATEWAY_PORT 4000)"
  master="$(env_get LITELLM_MASTER_KEY "")"
  [[ -n "$master" ]] || die 1 "LITELLM_MASTER_KEY is not set in $ENV_FILE"
  budget="$(env_get APP_BUDGET_USD 10)"
  duration="$(env_get APP_BUDGET_DURATION 30d)"
  [[ "$budget" =~ ^[0-9]+([.][0-9]+)?$ ]] || die 2 "APP_BUDGET_USD must be a number of dollars, got '$budget'"
  [[ "$duration" =~ ^[0-9]+[smhd]$ ]] || die 2 "APP_BUDGET_DURATION must look like 30d, 24h, got '$duration'"
  out="$(mktemp)"
  for app in $KEY_APPS; do
    [[ "$SERVICE" == "all" || "$SERVICE" == "$app" ]] || continue
    var="$(printf '%s' "$app" | tr '[:lower:]' '[:upper:]')_GATEWAY_KEY"
    existing="$(env_get "$var" "")"
    if [[ -n "$existing" ]]; then
      info "$app already has a gateway key ($var); kept"
      continue
    fi
    body="{\"key_alias\":\"$app\",\"max_budget\":$budget,\"budget_duration\":\"$duration\",\"metadata\":{\"created_by\":\"ai-infra-manage keys\"}}"
    code="$(curl -s -o "$out" -w '%{http_code}' --max-time "$CURL_TIMEOUT" -X POST \
      -H "Authorization: Bearer $master" -H 'Content-Type: application/json' -d "$body" \
      "$base/key/generate" || true)"
    if [[ "$code" != 200 ]]; then
      rm -f "$out"
      die 1 "creating $app's key at $base/key/generate answered ${code:-nothing} (is the gateway group running? start -Service gateway)"
    fi
    key="$(grep -oE '"key" *: *"sk-[^"]+"' "$out" | head -n 1 | sed -E 's/.*"(sk-[^"]+)"$/\1/')"
    if [[ -z "$key" ]]; then
      rm -f "$out"
      die 1 "the gateway's answer for $app holds no key"
    fi
    env_set "$var" "$key"
    info "created $app's gateway key (budget \$$budget per $duration) -> $var in $ENV_FILE"
    created=$((created + 1))
  done
  rm -f "$out"
  if ((created > 0)); then
    info "apply them: $(basename "$0") start -Service gateway (re-creates mpc-api with MPC_API_APP_KEYS)"
  fi
}

main() {
  parse_args "$@"
  "action_$ACTION"
}

main "$@"
