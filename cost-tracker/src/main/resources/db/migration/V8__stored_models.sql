-- Deployments added at run time through LiteLLM's /model/new (store_model_in_db), served by every gateway replica on
-- top of its config file. litellm_params keeps what the client sent (credentials included, or os.environ/ references
-- the gateway resolves); the admin routes never return a credential in clear.
CREATE TABLE stored_models (
    model_id text PRIMARY KEY,
    model_name text NOT NULL,
    litellm_params jsonb NOT NULL,
    model_info jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);
