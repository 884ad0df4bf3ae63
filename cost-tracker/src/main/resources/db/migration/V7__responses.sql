-- Responses API state kept for the gateway (POST /v1/responses with store: true): one row per response id and the
-- hash of the key that created it (no other key can read it). document holds the gateway's record: for a response
-- translated to chat, the response, its input items and the conversation before them; for a passed-through one,
-- the deployment that served it. Rows older than cost-tracker.retention.responses-days are purged.
CREATE TABLE stored_responses (
    owner      text        NOT NULL,
    id         text        NOT NULL,
    document   jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, id)
);
CREATE INDEX stored_responses_created_idx ON stored_responses (created_at);
