#!/usr/bin/env bash
# Measures the startup of the quick start (infra/run-local.sh) after the build: time from launching
# the three JVMs until each health endpoint is ready, and the "started in" time Quarkus logs, for the
# default fast-jar packaging and for aot-jar packaging with the JDK 25 AOT cache (trained by one run).
#   infra/scripts/measure-startup.sh [RUNS]      (default 3 runs per variant)
# Prints a Markdown table (medians) for docs/startup-performance.md. Runs on 127.0.0.1 only.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${1:-3}"
RUN_LOCAL="$REPO_DIR/infra/run-local.sh"
LOG_DIR="${RUN_LOCAL_DATA_DIR:-$REPO_DIR/data}/logs"
RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT

# One measured start: run-local --check prints
# "startup: cost-tracker A s, model-gateway B s, mpc-api C s, all D s (aot=...)".
measure() { # measure VARIANT ARGS...
  local variant="$1" line svc started
  shift
  line="$("$RUN_LOCAL" --check "$@" | grep '^startup:')" || { echo "run failed: $variant" >&2; exit 1; }
  echo "  $variant: $line" >&2
  local values=("$variant") ready="${line%%(aot=*}"
  for svc in cost-tracker model-gateway mpc-api; do
    values+=("$(sed -nE "s/.*$svc ([0-9.]+) s.*/\1/p" <<<"$ready")")
  done
  values+=("$(sed -nE 's/.* all ([0-9.]+) s.*/\1/p' <<<"$ready")")
  for svc in cost-tracker model-gateway mpc-api; do
    values+=("$(sed -nE "s/.*cpu until ready:.*$svc ([0-9.?]+) s.*/\1/p" <<<"$line")")
  done
  for svc in cost-tracker model-gateway mpc-api; do
    started="$(grep -m1 -oE 'started in [0-9.]+s' "$LOG_DIR/$svc.log" | grep -oE '[0-9.]+' || echo NA)"
    values+=("$started")
  done
  echo "${values[*]}" >>"$RESULTS"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "warm-up (builds if needed, first embedded-database start)..." >&2
"$RUN_LOCAL" --check >/dev/null
for _ in $(seq 1 "$RUNS"); do measure fast-jar --no-build; done

echo "AOT training run (aot-jar build, caches written at exit)..." >&2
"$RUN_LOCAL" --aot --check >/dev/null
ls -l "${RUN_LOCAL_DATA_DIR:-$REPO_DIR/data}/aot" >&2
for _ in $(seq 1 "$RUNS"); do measure aot-cache --aot --no-build; done

echo
echo "| Variant | cost-tracker ready | model-gateway ready | mpc-api ready | all three ready | JVM CPU until ready (ct / gw / api) | Quarkus 'started in' (ct / gw / api) |"
echo "|---|---|---|---|---|---|---|"
for variant in fast-jar aot-cache; do
  col() { awk -v v="$variant" -v c="$1" '$1 == v { print $c }' "$RESULTS" | median; }
  echo "| $variant (median of $RUNS) | $(col 2) s | $(col 3) s | $(col 4) s | $(col 5) s | $(col 6) / $(col 7) / $(col 8) s | $(col 9) / $(col 10) / $(col 11) s |"
done
echo
echo "raw runs (variant, ready ct gw api all, cpu ct gw api, started-in ct gw api):"
cat "$RESULTS"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
