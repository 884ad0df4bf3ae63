-- A usage event's request_id is the gateway's own id of the call (unique per answered call, never the
-- client's); the client's x-request-id is kept beside it as a correlation id only. Rows stored before
-- keep their request_id as their event id (it was the only id they had) and no client_request_id.
-- incomplete: the gateway died before the call completed; the event bills what was known (the prompt
-- estimate plus the completion tokens relayed). Nullable / constant default: no table rewrite.
ALTER TABLE usage_events ADD COLUMN client_request_id text;
ALTER TABLE usage_events ADD COLUMN incomplete boolean NOT NULL DEFAULT false;
