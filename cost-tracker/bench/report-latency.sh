#!/usr/bin/env bash
# Times report and key lookups against a running cost-tracker (default http://127.0.0.1:4100) whose
# database was loaded by load-synthetic.sh. With wrk (Debian package): one keep-alive connection per
# endpoint for SECS seconds (default 5) after a 1 s warm-up, printing p50 / p90 / p99 / max. Without
# wrk: RUNS (default 30) curl calls each (these include curl's process start and TCP connect).
#   bench/report-latency.sh [baseUrl]     env: LITELLM_MASTER_KEY SECS RUNS
set -euo pipefail
BASE=${1:-http://127.0.0.1:4100}
SECS=${SECS:-5}
RUNS=${RUNS:-30}
AUTH="Authorization: Bearer ${LITELLM_MASTER_KEY:-}"
FROM=$(date -u -d '29 days ago' +%F)
TO=$(date -u +%F)
KEY=$(printf 'sk-bench-7' | sha256sum | cut -d' ' -f1)
R="$BASE/global/spend/report?start_date=$FROM&end_date=$TO"
time_it() {
  local name=$1 url=$2 accept=${3:-application/json} bytes
  bytes=$(curl -s -H "$AUTH" -H "Accept: $accept" "$url" | wc -c)
  if command -v wrk >/dev/null; then
    wrk -t1 -c1 -d1s -H "$AUTH" -H "Accept: $accept" "$url" >/dev/null
    wrk -t1 -c1 -d"${SECS}s" --latency -H "$AUTH" -H "Accept: $accept" "$url" | awk -v n="$name" -v b="$bytes" '
      / 50%/ { p50 = $2 } / 90%/ { p90 = $2 } / 99%/ { p99 = $2 } /Latency/ && !max { max = $4 }
      /requests in/ { reqs = $1 }
      END { printf "%-44s p50 %9s  p90 %9s  p99 %9s  max %9s  %6d req  %8d bytes\n", n, p50, p90, p99, max, reqs, b }'
  else
    for _ in $(seq 1 "$RUNS"); do
      curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" -H "Accept: $accept" "$url"
    done | sort -n | awk -v n="$name" -v b="$bytes" '{ a[NR] = $1 * 1000 } END {
      p95 = int(NR * 0.95) + 1; if (p95 > NR) p95 = NR
      printf "%-44s min %7.2f  p50 %7.2f  p95 %7.2f  max %7.2f ms  (%d bytes)\n", n, a[1], a[int(NR * 0.5) + 1], a[p95], a[NR], b }'
  fi
}
echo "range $FROM..$TO; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
time_it "report group_by=day flat" "$R&group_by=day&flat=true"
time_it "report LiteLLM nested (default: team)" "$R"
time_it "report LiteLLM nested group_by=api_key" "$R&group_by=api_key"
time_it "report group_by=model" "$R&group_by=model"
time_it "report group_by=model granularity=total" "$R&group_by=model&granularity=total"
time_it "report group_by=key granularity=total" "$R&group_by=key&granularity=total"
time_it "report group_by=team flat" "$R&group_by=team&flat=true"
time_it "report group_by=user" "$R&group_by=user"
time_it "report group_by=tag" "$R&group_by=tag"
time_it "report group_by=key (6000 rows, 1.5 MB)" "$R&group_by=key"
time_it "report group_by=model as CSV" "$R&group_by=model" text/csv
time_it "global/spend (all time)" "$BASE/global/spend"
time_it "global/spend/models" "$BASE/global/spend/models?start_date=$FROM&end_date=$TO"
time_it "global/spend/keys" "$BASE/global/spend/keys?start_date=$FROM&end_date=$TO"
time_it "spend/tags" "$BASE/spend/tags?start_date=$FROM&end_date=$TO"
time_it "spend/usage end_user=app-3" "$BASE/spend/usage?end_user=app-3&from=$FROM&to=$TO"
time_it "spend/logs page 1 (50 newest)" "$BASE/spend/logs"
time_it "spend/logs key filter" "$BASE/spend/logs?key_hash=$KEY"
time_it "key/info" "$BASE/key/info?key=$KEY"
time_it "internal/keys/{hash} (gateway lookup)" "$BASE/internal/keys/$KEY"
