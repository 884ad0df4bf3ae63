-- One small daily rollup per report dimension, so that a report for one dimension reads at most
-- days x distinct values rows (e.g. 30 x 200 keys), not the full cross product of daily_spend.
-- dim: total (value ''), model, key, team, user, end_user, provider. Kept current at ingest in the
-- same transaction as the events; back-filled here from daily_spend (rollup rows, not raw events).
CREATE TABLE daily_dim_spend (
    dim                   text          NOT NULL,
    day                   date          NOT NULL,
    value                 text          NOT NULL,
    key_alias             text,
    requests              bigint        NOT NULL,
    prompt_tokens         bigint        NOT NULL,
    completion_tokens     bigint        NOT NULL,
    spend                 numeric(24,10) NOT NULL,
    PRIMARY KEY (dim, day, value)
);

INSERT INTO daily_dim_spend (dim, day, value, key_alias, requests, prompt_tokens, completion_tokens, spend)
SELECT CASE
         WHEN GROUPING(model_group) = 0 THEN 'model'
         WHEN GROUPING(key_hash) = 0 THEN 'key'
         WHEN GROUPING(team_id) = 0 THEN 'team'
         WHEN GROUPING(user_id) = 0 THEN 'user'
         WHEN GROUPING(end_user) = 0 THEN 'end_user'
         WHEN GROUPING(provider) = 0 THEN 'provider'
         ELSE 'total' END,
       day,
       coalesce(model_group, key_hash, team_id, user_id, end_user, provider, ''),
       CASE WHEN GROUPING(key_hash) = 0 THEN max(key_alias) END,
       sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(spend)
FROM daily_spend
GROUP BY GROUPING SETS ((day), (day, model_group), (day, key_hash), (day, team_id), (day, user_id),
                        (day, end_user), (day, provider));
