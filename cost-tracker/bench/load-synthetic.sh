#!/usr/bin/env bash
# Loads N synthetic usage events (default 10,000,000) spread over the last 30 days, with their daily
# rollups, tag rollups and 200 virtual keys, into a separate database on the PostgreSQL at
# 127.0.0.1:5432 (default database: cost_tracker_bench, dropped and re-created).
#   bench/load-synthetic.sh [events]        env: PGHOST PGPORT PGUSER BENCH_DB
# Then point cost-tracker at it (QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/cost_tracker_bench)
# and run bench/report-latency.sh.
# The rollups are computed here with one GROUP BY over the events (the same sums that ingest keeps
# current, event by event); bulk-loading with the secondary indexes dropped and re-created is only a
# loading shortcut.
set -euo pipefail
cd "$(dirname "$0")"
EVENTS=${1:-10000000}
CHUNK=${CHUNK:-1000000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=${BENCH_DB:-cost_tracker_bench}
psql_db() { psql -v ON_ERROR_STOP=1 -q -d "$DB" "$@"; }
t0=$(date +%s)
psql -v ON_ERROR_STOP=1 -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
# Schema version 1 only: cost-tracker's Flyway baselines this schema at version 1 when it first starts
# (no flyway_schema_history here) and applies V2.. itself, e.g. V2 back-fills daily_dim_spend from
# daily_spend: the first start on a freshly loaded database takes a few seconds longer.
psql_db -f ../src/main/resources/db/migration/V1__usage_keys_rollups.sql
psql_db -c "DROP INDEX usage_events_start_time_idx, usage_events_key_time_idx"
echo "loading $EVENTS events in chunks of $CHUNK"
# 200 keys; a key belongs to one user (100), team (10) and app/end user (20); 8 models;
# 0-2 tags out of 20; 2% failures; 5% gateway cache hits. Costs: prompt/completion tokens at the
# list prices of pricing/model_prices.json (cached reads at the cached price).
for ((start = 1; start <= EVENTS; start += CHUNK)); do
  end=$((start + CHUNK - 1)); ((end > EVENTS)) && end=$EVENTS
  psql_db <<SQL
INSERT INTO usage_events (request_id, call_type, start_time, first_token_time, end_time, key_hash, key_alias,
  user_id, team_id, end_user, tags, model_group, model, deployment_id, provider, api_base_host, prompt_tokens,
  completion_tokens, cached_read_tokens, cache_creation_tokens, reasoning_tokens, cost_usd, cost_source,
  latency_ms, ttft_ms, status, http_status, error_type, cache_hit, stream)
SELECT 'synthetic-' || g, 'chat_completion', st, st + make_interval(secs => lat / 4000.0),
  st + make_interval(secs => lat / 1000.0), encode(sha256(('sk-bench-' || k)::bytea), 'hex'), 'bench-key-' || k,
  'user-' || (k % 100), 'team-' || (k % 10), 'app-' || (k % 20),
  CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN ARRAY['job:' || (g % 20)] ELSE ARRAY['job:' || (g % 20), 'env:prod'] END,
  (ARRAY['gpt-4o','gpt-4o-mini','gpt-4.1','o4-mini','claude-sonnet-4','claude-haiku-4-5','gpt-5-mini','azure-gpt-4o'])[m + 1],
  (ARRAY['gpt-4o-2024-08-06','gpt-4o-mini','gpt-4.1','o4-mini','claude-sonnet-4-20250514','claude-haiku-4-5','gpt-5-mini','gpt-4o'])[m + 1],
  'dep-' || m,
  (ARRAY['openai','openai','openai','openai','anthropic','anthropic','openai','azure'])[m + 1],
  (ARRAY['api.openai.com','api.openai.com','api.openai.com','api.openai.com','api.anthropic.com','api.anthropic.com','api.openai.com','acme.openai.azure.com'])[m + 1],
  pt, ct, cr, 0, 0,
  CASE WHEN hit THEN 0 ELSE round(
    ((pt - cr) * (ARRAY[2.50,0.15,2.00,1.10,3.00,1.00,0.25,2.50])[m + 1]
     + cr * (ARRAY[1.25,0.075,0.50,0.275,0.30,0.10,0.025,1.25])[m + 1]
     + ct * (ARRAY[10.00,0.60,8.00,4.40,15.00,5.00,2.00,10.00])[m + 1]) / 1000000, 10) END,
  CASE WHEN hit THEN 'cache_hit' ELSE 'table' END,
  lat, lat / 4, CASE WHEN g % 50 = 0 THEN 'failure' ELSE 'success' END,
  CASE WHEN g % 50 = 0 THEN 429 ELSE 200 END, CASE WHEN g % 50 = 0 THEN 'rate_limit_error' END, hit, g % 2 = 0
FROM (
  SELECT g, (hashint4(g) & 2147483647) % 200 AS k, (hashint4(g + 7) & 2147483647) % 8 AS m,
    date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '29 days'
      + make_interval(secs => ((hashint8(g) & 9223372036854775807) % 2592000000::bigint) / 1000.0) AS st,
    50 + (hashint4(g + 1) & 2147483647) % 4000 AS pt, (hashint4(g + 2) & 2147483647) % 1000 AS ct,
    ((hashint4(g + 1) & 2147483647) % 4000) / 4 AS cr, 200 + (hashint4(g + 3) & 2147483647) % 5000 AS lat,
    g % 20 = 0 AS hit
  FROM generate_series($start, $end) g) s;
SQL
  echo "  $end events ($(($(date +%s) - t0)) s)"
done
echo "indexes and rollups"
psql_db <<'SQL'
CREATE INDEX usage_events_start_time_idx ON usage_events (start_time DESC);
CREATE INDEX usage_events_key_time_idx ON usage_events (key_hash, start_time DESC) WHERE key_hash IS NOT NULL;
INSERT INTO daily_spend (day, key_hash, model_group, provider, user_id, team_id, end_user, key_alias, requests,
  successful_requests, failed_requests, cache_hits, prompt_tokens, completion_tokens, cached_read_tokens,
  cache_creation_tokens, reasoning_tokens, spend)
SELECT (start_time AT TIME ZONE 'UTC')::date, coalesce(key_hash, ''), model_group, provider, coalesce(user_id, ''),
  coalesce(team_id, ''), coalesce(end_user, ''), max(key_alias), count(*), count(*) FILTER (WHERE status = 'success'),
  count(*) FILTER (WHERE status <> 'success'), count(*) FILTER (WHERE cache_hit), sum(prompt_tokens),
  sum(completion_tokens), sum(cached_read_tokens), sum(cache_creation_tokens), sum(reasoning_tokens), sum(cost_usd)
FROM usage_events GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO daily_tag_spend (day, tag, requests, prompt_tokens, completion_tokens, spend)
SELECT (start_time AT TIME ZONE 'UTC')::date, t, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd)
FROM usage_events, unnest(tags) t GROUP BY 1, 2;
INSERT INTO virtual_keys (key_hash, key_name, key_alias, user_id, team_id, max_budget, spend, budget_duration,
  budget_duration_s, budget_reset_at)
SELECT encode(sha256(('sk-bench-' || k)::bytea), 'hex'), 'sk-...' || k, 'bench-key-' || k, 'user-' || (k % 100),
  'team-' || (k % 10), 100000, coalesce((SELECT sum(spend) FROM daily_spend d
    WHERE d.key_hash = encode(sha256(('sk-bench-' || k)::bytea), 'hex')), 0), '30d', 2592000, now() + interval '30 days'
FROM generate_series(0, 199) k;
VACUUM ANALYZE;
SQL
psql_db -Atc "SELECT 'usage_events=' || (SELECT count(*) FROM usage_events) || ' daily_spend=' || (SELECT count(*) FROM daily_spend) || ' daily_tag_spend=' || (SELECT count(*) FROM daily_tag_spend) || ' size=' || pg_size_pretty(pg_database_size(current_database()))"
echo "done in $(($(date +%s) - t0)) s"
