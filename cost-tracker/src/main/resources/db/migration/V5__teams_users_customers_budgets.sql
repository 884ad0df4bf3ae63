-- LiteLLM's admin entities beside the virtual keys: teams, internal users, customers (end users, the
-- request's `user`) and named budgets. Budget-relevant fields are typed columns (max_budget, spend, period,
-- blocked); every other field LiteLLM accepts is kept as given in `attrs` and returned as is.
CREATE TABLE budgets (
    budget_id             text          PRIMARY KEY,
    max_budget            numeric(20,10),
    soft_budget           numeric(20,10),
    budget_duration       text,
    budget_duration_s     bigint,
    budget_reset_at       timestamptz,
    attrs                 jsonb         NOT NULL DEFAULT '{}',
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE teams (
    team_id               text          PRIMARY KEY,
    team_alias            text,
    max_budget            numeric(20,10),
    soft_budget           numeric(20,10),
    spend                 numeric(24,10) NOT NULL DEFAULT 0,
    budget_duration       text,
    budget_duration_s     bigint,
    budget_reset_at       timestamptz,
    budget_id             text          REFERENCES budgets (budget_id) ON DELETE SET NULL,
    blocked               boolean       NOT NULL DEFAULT false,
    attrs                 jsonb         NOT NULL DEFAULT '{}',
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE internal_users (
    user_id               text          PRIMARY KEY,
    max_budget            numeric(20,10),
    soft_budget           numeric(20,10),
    spend                 numeric(24,10) NOT NULL DEFAULT 0,
    budget_duration       text,
    budget_duration_s     bigint,
    budget_reset_at       timestamptz,
    budget_id             text          REFERENCES budgets (budget_id) ON DELETE SET NULL,
    blocked               boolean       NOT NULL DEFAULT false,
    attrs                 jsonb         NOT NULL DEFAULT '{}',
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    user_id               text          PRIMARY KEY,
    alias                 text,
    max_budget            numeric(20,10),
    soft_budget           numeric(20,10),
    spend                 numeric(24,10) NOT NULL DEFAULT 0,
    budget_duration       text,
    budget_duration_s     bigint,
    budget_reset_at       timestamptz,
    budget_id             text          REFERENCES budgets (budget_id) ON DELETE SET NULL,
    blocked               boolean       NOT NULL DEFAULT false,
    attrs                 jsonb         NOT NULL DEFAULT '{}',
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now()
);

-- Virtual keys keep every other GenerateKeyRequest field (aliases, tags, soft_budget, key_type, ...).
ALTER TABLE virtual_keys ADD COLUMN attrs jsonb NOT NULL DEFAULT '{}';
