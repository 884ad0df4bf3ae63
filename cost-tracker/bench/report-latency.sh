#!/usr/bin/env bash
# Times report and key lookups against a running cost-tracker (default http://127.0.0.1:4100) whose
# database was loaded by load-synthetic.sh. Each request runs RUNS times (default 30) after 3 warm-ups;
# prints min / p50 / p95 / max of curl's time_total in ms. Bounded: RUNS x requests.
#   bench/report-latency.sh [baseUrl]     env: LITELLM_MASTER_KEY RUNS
set -euo pipefail
BASE=${1:-http://127.0.0.1:4100}
RUNS=${RUNS:-30}
AUTH=(-H "Authorization: Bearer ${LITELLM_MASTER_KEY:-}")
FROM=$(date -u -d '29 days ago' +%F)
TO=$(date -u +%F)
KEY=$(printf 'sk-bench-7' | sha256sum | cut -d' ' -f1)
time_it() {
  local name=$1 url=$2 accept=${3:-application/json}
  for _ in 1 2 3; do curl -s -o /dev/null "${AUTH[@]}" -H "Accept: $accept" "$url"; done
  local bytes
  bytes=$(curl -s "${AUTH[@]}" -H "Accept: $accept" "$url" | wc -c)
  for _ in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' "${AUTH[@]}" -H "Accept: $accept" "$url"
  done | sort -n | awk -v n="$name" -v b="$bytes" '{ a[NR] = $1 * 1000 } END {
    p95 = int(NR * 0.95) + 1; if (p95 > NR) p95 = NR
    printf "%-44s min %7.2f  p50 %7.2f  p95 %7.2f  max %7.2f ms  (%d bytes)\n", n, a[1], a[int(NR * 0.5) + 1], a[p95], a[NR], b }'
}
echo "range $FROM..$TO, $RUNS runs each"
time_it "report group_by=day" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=day"
time_it "report group_by=model" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=model"
time_it "report group_by=model granularity=total" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=model&granularity=total"
time_it "report group_by=key granularity=total" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=key&granularity=total"
time_it "report group_by=team" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=team"
time_it "report group_by=user" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=user"
time_it "report group_by=tag" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=tag"
time_it "report group_by=key (per day, 6000 rows)" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=key"
time_it "report group_by=model as CSV" "$BASE/global/spend/report?start_date=$FROM&end_date=$TO&group_by=model" text/csv
time_it "global/spend (all time)" "$BASE/global/spend"
time_it "global/spend/models" "$BASE/global/spend/models?start_date=$FROM&end_date=$TO"
time_it "global/spend/keys" "$BASE/global/spend/keys?start_date=$FROM&end_date=$TO"
time_it "spend/tags" "$BASE/spend/tags?start_date=$FROM&end_date=$TO"
time_it "spend/usage end_user=app-3" "$BASE/spend/usage?end_user=app-3&from=$FROM&to=$TO"
time_it "spend/logs page 1 (50 newest)" "$BASE/spend/logs"
time_it "spend/logs api_key filter" "$BASE/spend/logs?key_hash=$KEY"
time_it "key/info" "$BASE/key/info?key=$KEY"
time_it "internal/keys lookup" "$BASE/internal/keys/$KEY"
