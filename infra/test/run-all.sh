#!/usr/bin/env bash
# shellcheck disable=SC2016 # the bash -c scripts expand their own positional parameters
# All offline checks of infra/ and k8s/ (no Docker engine, no network but the npm registry):
#   ShellCheck lint, ai-infra-manage.sh with a fake docker, compose files (docker-compose config -q) and
#   their policy, secrets scan, Prometheus config/rules/rule unit tests, Grafana dashboard JSON and the metric
#   names its panels and the alert rules use (against the observability check's real scrape),
#   PowerShell syntax (tree-sitter), Kubernetes manifests (schemas, unknown fields, references,
#   kustomize build; generated ones up to date), run-local.sh self-check.
# A check whose tool is missing prints "SKIPPED: <why>"; with CI_STRICT=true it fails instead.
# Last line: "infra checks: N passed, M failed"; exit 1 when a check failed.
set -uo pipefail

TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_DIR="$(dirname "$TEST_DIR")"
REPO_DIR="$(dirname "$INFRA_DIR")"
STRICT="${CI_STRICT:-false}"
PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=()
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# check NAME COMMAND...: runs the command, output indented; counts pass/fail.
check() {
  local name="$1"
  shift
  echo "--- $name"
  if "$@" >"$TMP/out" 2>&1; then
    sed 's/^/    /' "$TMP/out" | tail -n 40
    echo "PASSED: $name"
    PASSED=$((PASSED + 1))
  else
    sed 's/^/    /' "$TMP/out" | tail -n 80
    echo "FAILED: $name"
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$name")
  fi
}

# skip NAME WHY: a check that cannot run here.
skip() {
  echo "--- $1"
  if [[ "$STRICT" == true ]]; then
    echo "FAILED: $1 (CI_STRICT=true and $2)"
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$1")
  else
    echo "SKIPPED: $2"
    SKIPPED=$((SKIPPED + 1))
  fi
}

have() { command -v "$1" >/dev/null 2>&1; }

shell_scripts() {
  find "$INFRA_DIR" "$REPO_DIR/k8s" -type f \( -name '*.sh' -o -path '*/test/fake-bin/*' \) \
    -not -path '*/node_modules/*' | sort
}

# ------------------------------------------------------------------------------ shell
if have shellcheck; then
  # shellcheck disable=SC2046 # one argument per file on purpose
  check "shellcheck (every infra shell script)" shellcheck -x $(shell_scripts)
else
  skip "shellcheck (every infra shell script)" "shellcheck is not installed (apt-get install shellcheck)"
fi

check "ai-infra-manage.sh with a fake docker" "$TEST_DIR/test-manage.sh"

if have python3; then
  check "run-local.sh with a fake JDK and Maven (build, wiring, readiness, errors, stop)" "$TEST_DIR/test-run-local.sh"
else
  skip "run-local.sh with a fake JDK and Maven" "python3 is not installed (the fake services use it)"
fi

check "run-local.sh --help and argument errors" bash -c '
  out="$("$1/run-local.sh" --help)" || exit 1
  for word in --rebuild --no-build CONFIG_FILE_PATH LITELLM_MASTER_KEY QUARKUS_DATASOURCE_JDBC_URL; do
    [[ "$out" == *"$word"* ]] || { echo "--help lacks $word"; exit 1; }
  done
  "$1/run-local.sh" --bogus >/dev/null 2>&1; rc=$?
  [[ $rc == 2 ]] || { echo "unknown option gave exit $rc, expected 2"; exit 1; }
  echo "ok"' _ "$INFRA_DIR"

check "Dockerfiles: pinned bases, non-root runtime, ports, multi-stage native" "$TEST_DIR/check-dockerfiles.sh"

check "line endings: a Windows checkout (core.autocrlf=true) keeps mvnw/*.sh/Dockerfile*/YAML LF, *.ps1/*.cmd CRLF" \
  "$TEST_DIR/check-line-endings.sh"
check "line-ending check fails without .gitattributes" bash -c '
  : >"$2/no-attributes"
  out="$("$1/check-line-endings.sh" "$2/no-attributes")" && { echo "accepted a checkout without .gitattributes"; exit 1; }
  grep -q "CRLF in a Windows checkout (needs eol=lf in .gitattributes): mvnw" <<<"$out" || { echo "$out" | head; exit 1; }
  echo "rejected: $(grep -c "Windows checkout" <<<"$out") files"' _ "$TEST_DIR" "$TMP"

# A benchmark or helper script signals only processes it started (kill "$PID" of a PID it recorded): never a
# process found by name (pkill, killall, kill $(pgrep ...)) and never a stop/continue of someone else's process.
check "scripts signal only the processes they started (no pkill/killall/SIGSTOP by name)" bash -c '
  cd "$1" || exit 1
  files=$(git ls-files -co --exclude-standard -- "*.sh" "*.ps1" ".ci/*" | grep -v -e "/node_modules/" -e "^infra/test/")
  if grep -nE "(^|[^[:alnum:]_-])(pkill|killall)([^[:alnum:]_-]|$)|kill +-(STOP|CONT|TSTP|SIGSTOP|SIGCONT|19|18)([^[:alnum:]]|$)|kill[^|;&]*\\\$\(pgrep|pgrep[^|]*\| *xargs +kill|Stop-Process +-Name" $files; then
    echo "a script above signals processes it did not start: record the PIDs it starts and signal only those"; exit 1
  fi
  echo "$(wc -w <<<"$files") scripts signal only their own processes"' _ "$REPO_DIR"

# ------------------------------------------------------------------------------ compose
# A throw-away .env made from the template (placeholders filled), as a user's would be.
sed 's/__GENERATE__/0123456789abcdef0123456789abcdef/g' "$INFRA_DIR/.env.template" >"$TMP/compose.env"

compose_config() { # compose_config FILE...
  local args=() f
  for f in "$@"; do args+=(-f "$f"); done
  docker-compose --env-file "$TMP/compose.env" "${args[@]}" config -q
}

compose_files() { find "$INFRA_DIR" -name 'docker-compose.yml' -not -path '*/node_modules/*' | sort; }

if have docker-compose; then
  for file in $(compose_files); do
    check "docker-compose config -q ${file#"$REPO_DIR"/}" compose_config "$file"
  done
  check "docker-compose config -q gateway + docker-compose.jvm.yml" \
    compose_config "$INFRA_DIR/gateway/docker-compose.yml" "$INFRA_DIR/gateway/docker-compose.jvm.yml"
  # shellcheck disable=SC2046 # one argument per compose file
  check "compose refuses to run without the required secrets" bash -c '
    for f in "$@"; do
      if docker-compose --env-file /dev/null -f "$f" config -q 2>/dev/null; then echo "$f: accepted an empty environment"; exit 1; fi
    done; echo "every compose file requires its secrets"' _ $(compose_files)
else
  skip "docker-compose config -q (every compose file)" "docker-compose is not installed (apt-get install docker-compose)"
fi

# The real gateway must accept every committed config (e.g. a provider that requires api_base).
# Optional: needs model-gateway built (./mvnw package); never fails on its absence.
GATEWAY_JAR="$REPO_DIR/model-gateway/target/quarkus-app/quarkus-run.jar"
if [[ -d /usr/lib/jvm/temurin-25-jdk-amd64 && -z "${JAVA_HOME:-}" ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
if [[ -f "$GATEWAY_JAR" ]] && have curl; then
  check "model-gateway loads the committed configs and answers" "$TEST_DIR/check-gateway-configs.sh" "$GATEWAY_JAR"
else
  echo "--- model-gateway loads the committed configs"
  echo "SKIPPED: model-gateway is not built ($GATEWAY_JAR; optional check)"
  SKIPPED=$((SKIPPED + 1))
fi

# The quick start end to end: the three built services start, become ready, and a chat completion
# goes through mpc-api -> model-gateway. Optional: needs the three jars (./mvnw package).
QUICK_JARS=("$REPO_DIR"/{mpc-api,model-gateway,cost-tracker}/target/quarkus-app/quarkus-run.jar)
if [[ -f "${QUICK_JARS[0]}" && -f "${QUICK_JARS[1]}" && -f "${QUICK_JARS[2]}" ]] && have curl; then
  check "quick start: run-local.sh --check (three services ready, chat through mpc-api)" \
    env RUN_LOCAL_DATA_DIR="$TMP/run-local-data" RUN_LOCAL_API_PORT=23000 RUN_LOCAL_GATEWAY_PORT=24000 \
    RUN_LOCAL_COST_TRACKER_PORT=24100 "$INFRA_DIR/run-local.sh" --check --no-build --timeout 240
else
  echo "--- quick start: run-local.sh --check"
  echo "SKIPPED: the three services are not built (optional check)"
  SKIPPED=$((SKIPPED + 1))
fi

# The three services under a real Prometheus: every target up, the gateway's request counter moving, and each
# exposition accepted by `promtool check metrics` (issue: observability). Needs the built jars, like the quick start.
# The expositions are kept in $TMP/scrapes: the dashboards and alert rules are checked against them below.
if [[ -f "${QUICK_JARS[0]}" && -f "${QUICK_JARS[1]}" && -f "${QUICK_JARS[2]}" ]]; then
  check "observability: Prometheus scrapes the three services, promtool check metrics" \
    env OBS_SCRAPE_DIR="$TMP/scrapes" "$TEST_DIR/observability-check.sh"
else
  echo "--- observability: Prometheus scrapes the three services"
  echo "SKIPPED: the three services are not built (optional check)"
  SKIPPED=$((SKIPPED + 1))
fi

# k8s/<service>.yml must be what infra/scripts/generate-k8s.sh makes of the services' builds (quarkus-kubernetes
# writes <service>/target/kubernetes/kubernetes.yml at package; in `./mvnw verify` this module runs after them).
# Not built: skipped (never fails); built without manifests (a stale build): skipped, fails under CI_STRICT=true.
K8S_GENERATED=("$REPO_DIR"/{mpc-api,model-gateway,cost-tracker}/target/kubernetes/kubernetes.yml)
if [[ -f "${K8S_GENERATED[0]}" && -f "${K8S_GENERATED[1]}" && -f "${K8S_GENERATED[2]}" ]]; then
  check "generated k8s manifests are up to date (generate-k8s.sh --check)" \
    "$INFRA_DIR/scripts/generate-k8s.sh" --check --no-build
elif [[ -f "${QUICK_JARS[0]}" || -f "${QUICK_JARS[1]}" || -f "${QUICK_JARS[2]}" ]]; then
  skip "generated k8s manifests are up to date" "a service is built but has no target/kubernetes/kubernetes.yml (rebuild: ./mvnw package)"
else
  echo "--- generated k8s manifests are up to date"
  echo "SKIPPED: the services are not built (./mvnw package generates their manifests)"
  SKIPPED=$((SKIPPED + 1))
fi

# Compose and Kubernetes run the same version: the compose image tag default, the template's MPC_VERSION, the
# kustomization's images: tags and the generated manifests' tags agree.
check "compose and k8s use the same image version tag" bash -c '
  cd "$1" || exit 1
  tags="$(
    sed -n "s/^MPC_VERSION=//p" infra/.env.template | sed "s/^/env-template /"
    grep -ho "image: mpc/[a-z-]*:\\\${MPC_VERSION:-[^}]*}" infra/gateway/docker-compose*.yml | sed "s/.*:-\(.*\)}/compose \1/"
    awk "/^images:/ {on=1} /^resources:/ {on=0} on && /newTag:/ {print \"kustomization \" \$2}" k8s/kustomization.yaml
    grep -ho "image: mpc/[a-z-]*:[^ ]*" k8s/mpc-api.yml k8s/model-gateway.yml k8s/cost-tracker.yml | sed "s/.*:/generated /"
  )"
  echo "$tags" | sort | uniq -c
  [[ "$(awk "{print \$2}" <<<"$tags" | sort -u | wc -l)" == 1 && "$(wc -l <<<"$tags")" -ge 10 ]] ||
    { echo "the image version tags differ (or some were not found)"; exit 1; }' _ "$REPO_DIR"

# ------------------------------------------------------------------------------ secrets
check "no secret in committed infra/k8s/docs files" bash -c '
  cd "$1" || exit 1
  files=$(git ls-files -co --exclude-standard infra k8s docs 2>/dev/null | grep -v -e "/node_modules/" -e "package-lock.json" -e "^infra/test/")
  [[ -n "$files" ]] || { echo "no files found"; exit 1; }
  # OpenAI/Anthropic-style keys, AWS access keys, private keys, long base64 tokens after key words.
  if grep -nE "(sk-(proj-|ant-)?[A-Za-z0-9_-]{24,})|(AKIA[0-9A-Z]{16})|(-----BEGIN [A-Z ]*PRIVATE KEY-----)" $files; then
    echo "possible secret above"; exit 1
  fi
  if git ls-files --error-unmatch infra/.env k8s/secrets.yml >/dev/null 2>&1; then echo "a real env/secret file is tracked"; exit 1; fi
  echo "no secret found in $(wc -w <<<"$files") files"' _ "$REPO_DIR"

check "deployment docs: every relative link resolves" bash -c '
  cd "$1" || exit 1
  broken=0
  for f in docs/architecture.md docs/configuration.md docs/deployment-*.md docs/integration-*.md \
    docs/operations.md docs/startup-performance.md k8s/README.md infra/README.md; do
    [[ -f "$f" ]] || { echo "missing $f"; broken=1; continue; }
    while read -r link; do
      [[ -e "$(dirname "$f")/$link" ]] || { echo "$f: broken link $link"; broken=1; }
    done < <(grep -oE "\]\([^)#]+" "$f" | sed "s/^](//" | grep -v "^https\?:")
  done
  [[ $broken == 0 ]] && echo "links ok"' _ "$REPO_DIR"

# ------------------------------------------------------------------------------ prometheus
PROM_DIR="$INFRA_DIR/monitoring/prometheus"
if have promtool; then
  # The config names the rules by their path inside the container; check it against a copy.
  check "promtool check config prometheus.yml" bash -c '
    cp "$1/alerts.yml" "$2/alerts.yml" &&
    sed "s#/etc/prometheus/alerts.yml#$2/alerts.yml#" "$1/prometheus.yml" >"$2/prometheus.yml" &&
    promtool check config "$2/prometheus.yml" &&
    for job in mpc-api model-gateway cost-tracker; do
      grep -q "job_name: $job" "$1/prometheus.yml" || { echo "no scrape job $job"; exit 1; }
    done' _ "$PROM_DIR" "$TMP"
  check "promtool check rules alerts.yml" promtool check rules "$PROM_DIR/alerts.yml"
  check "promtool test rules alerts.test.yml" bash -c 'cd "$1" && promtool test rules alerts.test.yml' _ "$PROM_DIR"
else
  skip "promtool checks (config, rules, rule unit tests)" "promtool is not installed (apt-get install prometheus)"
fi

check "Grafana dashboards and provisioning are valid" bash -c '
  for f in "$1"/grafana/dashboards/*.json; do
    node -e "const d=JSON.parse(require(\"fs\").readFileSync(process.argv[1]));
      if(!d.uid||!d.title||!Array.isArray(d.panels)||!d.panels.length) throw new Error(\"dashboard needs uid, title, panels\");
      for(const p of d.panels) for(const t of p.targets||[]) if(!t.expr) throw new Error(\"panel \"+p.title+\" has a target without expr\");
      console.log(process.argv[1].split(\"/\").pop()+\": \"+d.panels.length+\" panels\")" "$f" || exit 1
  done
  grep -q "url: http://prometheus:9090" "$1/grafana/provisioning/datasources/prometheus.yml"' _ "$INFRA_DIR/monitoring"

# A doc that sends the reader to a Grafana panel ("<title>" panel) names a panel the dashboards have.
check "docs cite only Grafana panels that exist" bash -c '
  cd "$1" || exit 1
  titles="$(grep -ho "\"title\": *\"[^\"]*\"" infra/monitoring/grafana/dashboards/*.json | sed "s/\"title\": *//")"
  bad=0 n=0
  while IFS= read -r cited; do
    [[ -n "$cited" ]] || continue
    n=$((n + 1))
    grep -qxF -- "$cited" <<<"$titles" || { echo "a doc cites the panel $cited, which no dashboard has"; bad=1; }
  done < <(cat README.md docs/*.md infra/README.md k8s/README.md | tr "\n" " " | grep -oE "\"[^\"]{3,80}\" +panel" | sed -E "s/ +panel$//" | sort -u)
  ((bad == 0)) && echo "$n cited panels exist"' _ "$REPO_DIR"

# Every metric a dashboard panel or an alert rule uses exists in the real scrape of the observability check (or is a
# recording rule): a panel on a misspelled metric fails here. The checker itself is checked on fixtures first.
if have jq; then
  check "dashboard metric check: accepts known names, rejects a misspelled metric (fixtures)" bash -c '
    f="$1/fixtures/dashboard-metrics"
    "$1/check-dashboard-metrics.sh" "$f/scrape" "$f/known-metrics.json" || exit 1
    out="$("$1/check-dashboard-metrics.sh" "$f/scrape" "$f/misspelled-metric.json")" && { echo "accepted a misspelled metric"; exit 1; }
    grep -q "gateway_request_duraton_seconds_bucket" <<<"$out" || { echo "$out"; exit 1; }
    echo "rejected: $out"' _ "$TEST_DIR"
  if compgen -G "$TMP/scrapes/*.prom" >/dev/null; then
    check "Grafana dashboards and alert rules use only metrics of the real scrape" \
      "$TEST_DIR/check-dashboard-metrics.sh" "$TMP/scrapes"
  else
    echo "--- Grafana dashboards and alert rules use only metrics of the real scrape"
    echo "SKIPPED: no scrape (the observability check did not run: the services are not built; optional check)"
    SKIPPED=$((SKIPPED + 1))
  fi
else
  skip "dashboard and alert metric names (check-dashboard-metrics.sh)" "jq is not installed (apt-get install jq)"
fi

# ------------------------------------------------------------------------------ node-based checks
NODE_READY=false
NODE_WHY=""
if ! have node || ! have npm; then
  NODE_WHY="node/npm are not installed"
elif [[ -f "$TEST_DIR/node_modules/.package-lock.json" && "$TEST_DIR/node_modules/.package-lock.json" -nt "$TEST_DIR/package-lock.json" ]]; then
  NODE_READY=true
else
  echo "--- installing the check tools (npm ci in infra/test)"
  if (cd "$TEST_DIR" && npm ci --no-audit --no-fund --loglevel=error >"$TMP/npm.log" 2>&1); then
    NODE_READY=true
  else
    tail -n 20 "$TMP/npm.log"
    NODE_WHY="npm ci in infra/test failed (registry unreachable?)"
  fi
fi

if [[ "$NODE_READY" == true ]]; then
  check "PowerShell syntax and parity with the bash script (tree-sitter)" \
    node --no-deprecation "$TEST_DIR/ps-syntax.mjs" "$INFRA_DIR/ai-infra-manage.ps1"
  check "PowerShell parity check rejects a .ps1 whose command lines drifted from the bash script" bash -c '
    mkdir -p "$2/drift" && cp "$1/../ai-infra-manage.sh" "$2/drift/" &&
    sed "s/@(.up., .-d., .--remove-orphans.)/@(\x27up\x27, \x27-d\x27)/" "$1/../ai-infra-manage.ps1" >"$2/drift/ai-infra-manage.ps1"
    out="$(node --no-deprecation "$1/ps-syntax.mjs" "$2/drift/ai-infra-manage.ps1" 2>&1)" && { echo "accepted: $out"; exit 1; }
    grep -q "action update: the .sh issues \[.*compose up -d --remove-orphans\] but the .ps1 issues \[.*compose up -d\]" <<<"$out" || { echo "$out"; exit 1; }
    echo "rejected: $out"' _ "$TEST_DIR" "$TMP"
  check "PowerShell parity check rejects a .ps1 that lacks the quickstart service of the bash script" bash -c '
    mkdir -p "$2/drift-qs" && cp "$1/../ai-infra-manage.sh" "$2/drift-qs/" &&
    sed "s/, .quickstart.)\]/)]/" "$1/../ai-infra-manage.ps1" >"$2/drift-qs/ai-infra-manage.ps1"
    out="$(node --no-deprecation "$1/ps-syntax.mjs" "$2/drift-qs/ai-infra-manage.ps1" 2>&1)" && { echo "accepted: $out"; exit 1; }
    grep -q "differs from the bash services" <<<"$out" || { echo "$out"; exit 1; }
    echo "rejected: $out"' _ "$TEST_DIR" "$TMP"
  check "PowerShell checker rejects broken scripts" \
    node --no-deprecation "$TEST_DIR/ps-syntax.mjs" --expect-invalid "$TEST_DIR"/fixtures/ps-invalid/*.ps1
  # shellcheck disable=SC2046 # one argument per compose file
  check "compose policy: pinned images, healthchecks, restart, limits, named volumes" \
    node --no-deprecation "$TEST_DIR/compose-policy.mjs" $(compose_files)
  check "Kubernetes manifests: schemas, unknown fields, references (k8s/, k8s/prometheus-operator/)" \
    node --no-deprecation "$TEST_DIR/k8s-validate.mjs" "$REPO_DIR/k8s" "$REPO_DIR/k8s/prometheus-operator"
  check "Kubernetes validator rejects broken manifests" bash -c '
    for f in "$1"/fixtures/k8s-invalid/*.yml; do
      node --no-deprecation "$1/k8s-validate.mjs" --expect-invalid "$f" || exit 1
    done' _ "$TEST_DIR"
else
  skip "PowerShell syntax (tree-sitter)" "$NODE_WHY"
  skip "compose policy" "$NODE_WHY"
  skip "Kubernetes manifest validation" "$NODE_WHY"
fi

# kubectl is not installed by .ci/install-tools.sh: this check is a bonus and never fails on its absence
# (k8s-validate.mjs checks kustomization.yaml itself).
if have kubectl; then
  check "kubectl kustomize k8s/ builds" bash -c '
    out="$(kubectl kustomize "$1")" || exit 1
    n=$(grep -c "^kind:" <<<"$out"); echo "$n resources"
    grep -q "namespace: ai-infra" <<<"$out"' _ "$REPO_DIR/k8s"
else
  echo "--- kubectl kustomize k8s/"
  echo "SKIPPED: kubectl is not installed (optional check)"
  SKIPPED=$((SKIPPED + 1))
fi

echo
if ((SKIPPED > 0)); then echo "skipped checks: $SKIPPED"; fi
if ((FAILED > 0)); then echo "failed checks: ${FAILED_NAMES[*]}"; fi
echo "infra checks: $PASSED passed, $FAILED failed"
((FAILED == 0))
