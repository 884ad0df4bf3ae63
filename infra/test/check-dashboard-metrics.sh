#!/usr/bin/env bash
# Every metric name used by the PromQL of the Grafana dashboards (infra/monitoring/grafana/dashboards/*.json) and
# of the alert rules (infra/monitoring/prometheus/alerts.yml) must exist: in a real scrape of the three services
# (SCRAPE_DIR/*.prom, kept by observability-check.sh when OBS_SCRAPE_DIR is set), as a recording rule of
# alerts.yml, or as a series Prometheus makes itself (up, scrape_*, ALERTS). A panel or alert on a misspelled or
# removed metric would otherwise stay empty (or silent) without anyone noticing.
# Usage: check-dashboard-metrics.sh SCRAPE_DIR [FILE.json|FILE.yml ...]   (default: every dashboard and alerts.yml)
# Names are found with regular expressions: strings, label matchers, ranges, grouping clauses and Grafana variables
# are removed, then every identifier not followed by "(" (a function) and not a PromQL keyword is a metric name.
# Needs jq. Exit 1 when a name is unknown (each is printed with the panel or rule that uses it).
set -uo pipefail
TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MONITORING_DIR="$(dirname "$TEST_DIR")/monitoring"
SCRAPE_DIR="${1:?usage: check-dashboard-metrics.sh SCRAPE_DIR [FILE...]}"
shift
FILES=("$@")
if ((${#FILES[@]} == 0)); then
  FILES=("$MONITORING_DIR"/grafana/dashboards/*.json "$MONITORING_DIR/prometheus/alerts.yml")
fi
RULES="$MONITORING_DIR/prometheus/alerts.yml"
command -v jq >/dev/null || { echo "jq is not installed (apt-get install jq)"; exit 1; }

shopt -s nullglob
scrapes=("$SCRAPE_DIR"/*.prom)
if ((${#scrapes[@]} == 0)); then
  echo "no exposition in $SCRAPE_DIR (run observability-check.sh with OBS_SCRAPE_DIR=$SCRAPE_DIR)"
  exit 1
fi

# Known names: every sample name of the scrapes, the recording rules, Prometheus' own series.
known="$(
  {
    grep -hv '^#' "${scrapes[@]}" | sed -E 's/[{ ].*//'
    sed -nE 's/^[[:space:]]*-?[[:space:]]*record:[[:space:]]*([^[:space:]]+).*/\1/p' "$RULES"
    printf '%s\n' up scrape_duration_seconds scrape_samples_scraped scrape_samples_post_metric_relabeling \
      scrape_series_added ALERTS ALERTS_FOR_STATE
  } | grep -v '^$' | sort -u
)"

# "where<TAB>expression" lines of a dashboard (one per panel target, rows' nested panels included).
dashboard_exprs() {
  jq -r --arg f "$(basename "$1")" '
    [.panels[]? | ., (.panels[]?)] | .[] | .title as $t
    | (.targets // [])[] | select(.expr != null)
    | "\($f): panel \"\($t)\"\t\(.expr | gsub("\n"; " "))"' "$1"
}

# "where<TAB>expression" lines of a rule file: "expr: text" or an "expr: |" block (its more indented lines).
rule_exprs() {
  awk -v f="$(basename "$1")" '
    function flush() { if (expr != "") print f ": " name "\t" expr; expr = ""; block = 0 }
    block && (match($0, /^ */) && RLENGTH > indent || $0 ~ /^[[:space:]]*$/) { expr = expr " " $0; next }
    block { flush() }
    /^[[:space:]]*- (alert|record):/ { name = $0; sub(/^[[:space:]]*- /, "", name) }
    /^[[:space:]]*expr:[[:space:]]*[|>]-?[[:space:]]*$/ { flush(); block = 1; match($0, /^ */); indent = RLENGTH; next }
    /^[[:space:]]*expr:/ { flush(); e = $0; sub(/^[[:space:]]*expr:[[:space:]]*/, "", e); expr = e; flush() }
    END { flush() }' "$1"
}

# The metric names of one PromQL expression, one per line.
# shellcheck disable=SC2016 # the patterns match a literal $ and backquote
metric_names() {
  sed -E -e 's/"([^"\\]|\\.)*"//g' -e "s/'([^'\\\\]|\\\\.)*'//g" -e 's/`[^`]*`//g' \
    -e 's/\$\{?[A-Za-z_][A-Za-z0-9_]*(:[a-z]+)?\}?//g' \
    -e 's/\{[^}]*\}//g' -e 's/\[[^]]*\]//g' \
    -e 's/(^|[^A-Za-z0-9_])(by|without|on|ignoring|group_left|group_right)[[:space:]]*\([^)]*\)/\1 /g' \
    -e 's/[A-Za-z_:][A-Za-z0-9_:]*[[:space:]]*\(/(/g' <<<"$1" |
    grep -oE '[A-Za-z0-9_:.]+' | grep -E '^[A-Za-z_:]' |
    grep -vxE 'and|or|unless|bool|offset|by|without|on|ignoring|group_left|group_right|atan2|inf|Inf|nan|NaN' || true
}

unknown=0
expressions=0
names=0
for file in "${FILES[@]}"; do
  case "$file" in
    *.json) lines="$(dashboard_exprs "$file")" || { echo "$file: not a dashboard JSON"; exit 1; } ;;
    *.yml | *.yaml) lines="$(rule_exprs "$file")" ;;
    *) echo "$file: neither a dashboard (.json) nor a rule file (.yml)"; exit 1 ;;
  esac
  while IFS=$'\t' read -r where expr; do
    [[ -n "$expr" ]] || continue
    expressions=$((expressions + 1))
    while read -r name; do
      [[ -n "$name" ]] || continue
      names=$((names + 1))
      if ! grep -qxF "$name" <<<"$known"; then
        echo "$where uses unknown metric '$name'"
        unknown=$((unknown + 1))
      fi
    done < <(metric_names "$expr")
  done <<<"$lines"
done

if ((expressions == 0)); then
  echo "no PromQL expression found in ${FILES[*]}"
  exit 1
fi
echo "$expressions expressions, $names metric references checked against $(wc -l <<<"$known") known names ($(basename -a "${scrapes[@]}" | tr '\n' ' '))"
((unknown == 0))
