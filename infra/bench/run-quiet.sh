#!/usr/bin/env bash
# Runs a benchmark while every other busy process on the machine (java, wrk, nginx, node, python3, psql, pgbench,
# hyperfine, prometheus, embedded PostgreSQL servers) is stopped with SIGSTOP, including ones started meanwhile, and
# resumes them all (SIGCONT) when it ends. For shared development machines where builds would distort latency
# numbers; the system PostgreSQL and Redis keep running. Processes started by the benchmark itself are left alone.
#
# Usage: infra/bench/run-quiet.sh infra/bench/gateway-bench.sh --duration 8
set -uo pipefail
declare -A stopped=()
"$@" &
target=$!
is_ours() { # pid -> 0 when it descends from the target or from this script
  local p=$1
  while [[ -n "$p" && "$p" != 1 && "$p" != 0 ]]; do
    [[ "$p" == "$target" || "$p" == "$$" ]] && return 0
    p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)
  done
  return 1
}
resume() { ((${#stopped[@]})) && kill -CONT "${!stopped[@]}" 2>/dev/null; echo "resumed ${#stopped[@]} processes" >&2; }
trap resume EXIT
while kill -0 "$target" 2>/dev/null; do
  for p in $(pgrep -x 'java|wrk|nginx|node|python3|psql|pgbench|hyperfine|prometheus|promtool|postgres'); do
    [[ -n "${stopped[$p]:-}" ]] && continue
    is_ours "$p" && continue
    if [[ "$(cat "/proc/$p/comm" 2>/dev/null)" == postgres ]]; then
      # leave the system server alone (its backends idle once their clients are stopped)
      grep -q '/var/lib/postgresql' "/proc/$p/cmdline" 2>/dev/null && continue
      [[ "$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null)" == postgres:\ 15/main* ]] && continue
    fi
    kill -STOP "$p" 2>/dev/null && stopped[$p]=1
  done
  sleep 0.3
done
wait "$target"
