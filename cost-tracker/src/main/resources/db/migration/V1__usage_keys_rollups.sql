-- cost-tracker schema v1. Migrations are additive: later versions add columns (nullable or with a
-- constant default, which PostgreSQL applies without rewriting the table) and build indexes
-- CONCURRENTLY in their own non-transactional migration, never rewrite big tables.

-- One row per gateway call. request_id is the idempotency key: a re-sent event is stored once.
CREATE TABLE usage_events (
    request_id            text          PRIMARY KEY,
    call_type             text          NOT NULL,
    start_time            timestamptz   NOT NULL,
    first_token_time      timestamptz,
    end_time              timestamptz   NOT NULL,
    key_hash              text,
    key_alias             text,
    user_id               text,
    team_id               text,
    end_user              text,
    tags                  text[],
    model_group           text          NOT NULL,
    model                 text,
    deployment_id         text          NOT NULL,
    provider              text          NOT NULL,
    api_base_host         text,
    prompt_tokens         integer       NOT NULL,
    completion_tokens     integer       NOT NULL,
    cached_read_tokens    integer       NOT NULL DEFAULT 0,
    cache_creation_tokens integer       NOT NULL DEFAULT 0,
    reasoning_tokens      integer       NOT NULL DEFAULT 0,
    cost_usd              numeric(20,10) NOT NULL,
    cost_source           text          NOT NULL,
    gateway_cost_usd      numeric(20,10),
    latency_ms            integer       NOT NULL,
    ttft_ms               integer,
    status                text          NOT NULL,
    http_status           integer,
    error_type            text,
    cache_hit             boolean       NOT NULL DEFAULT false,
    stream                boolean       NOT NULL DEFAULT false,
    ingested_at           timestamptz   NOT NULL DEFAULT now()
);
-- /spend/logs pages by start_time (newest first), for all events or one key. Other filters (user, team,
-- model, end user) walk the start_time index backwards: every extra index costs ingest throughput.
CREATE INDEX usage_events_start_time_idx ON usage_events (start_time DESC);
CREATE INDEX usage_events_key_time_idx ON usage_events (key_hash, start_time DESC) WHERE key_hash IS NOT NULL;

-- Daily rollup kept current at ingest (same transaction as the events). Empty string stands for
-- "none" in the dimension columns so that they can be part of the primary key.
CREATE TABLE daily_spend (
    day                   date          NOT NULL,
    key_hash              text          NOT NULL,
    model_group           text          NOT NULL,
    provider              text          NOT NULL,
    user_id               text          NOT NULL,
    team_id               text          NOT NULL,
    end_user              text          NOT NULL,
    key_alias             text,
    requests              bigint        NOT NULL,
    successful_requests   bigint        NOT NULL,
    failed_requests       bigint        NOT NULL,
    cache_hits            bigint        NOT NULL,
    prompt_tokens         bigint        NOT NULL,
    completion_tokens     bigint        NOT NULL,
    cached_read_tokens    bigint        NOT NULL,
    cache_creation_tokens bigint        NOT NULL,
    reasoning_tokens      bigint        NOT NULL,
    spend                 numeric(24,10) NOT NULL,
    PRIMARY KEY (day, key_hash, model_group, provider, user_id, team_id, end_user)
);
CREATE INDEX daily_spend_end_user_day_idx ON daily_spend (end_user, day) WHERE end_user <> '';

-- Daily rollup per request tag (an event with n tags counts once for each of its tags).
CREATE TABLE daily_tag_spend (
    day                   date          NOT NULL,
    tag                   text          NOT NULL,
    requests              bigint        NOT NULL,
    prompt_tokens         bigint        NOT NULL,
    completion_tokens     bigint        NOT NULL,
    spend                 numeric(24,10) NOT NULL,
    PRIMARY KEY (day, tag)
);

-- Virtual keys: only the SHA-256 of the key is stored.
CREATE TABLE virtual_keys (
    key_hash              text          PRIMARY KEY,
    key_name              text          NOT NULL,
    key_alias             text,
    user_id               text,
    team_id               text,
    models                text[]        NOT NULL DEFAULT '{}',
    max_budget            numeric(20,10),
    spend                 numeric(24,10) NOT NULL DEFAULT 0,
    budget_duration       text,
    budget_duration_s     bigint,
    budget_reset_at       timestamptz,
    expires               timestamptz,
    rpm_limit             integer,
    tpm_limit             integer,
    max_parallel_requests integer,
    metadata              jsonb         NOT NULL DEFAULT '{}',
    blocked               boolean       NOT NULL DEFAULT false,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX virtual_keys_alias_idx ON virtual_keys (key_alias) WHERE key_alias IS NOT NULL;
CREATE INDEX virtual_keys_reset_idx ON virtual_keys (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

-- Open budget reservations (estimate reserved before a call, settled by the usage event).
CREATE TABLE key_reservations (
    request_id            text          PRIMARY KEY,
    key_hash              text          NOT NULL REFERENCES virtual_keys (key_hash) ON DELETE CASCADE ON UPDATE CASCADE,
    amount_usd            numeric(20,10) NOT NULL,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    expires_at            timestamptz   NOT NULL
);
CREATE INDEX key_reservations_key_idx ON key_reservations (key_hash, expires_at);
