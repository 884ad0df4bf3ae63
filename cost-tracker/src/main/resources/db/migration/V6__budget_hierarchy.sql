-- Budgets at every level: a call's reservation also names the key's team and user and the call's end user
-- (customer), so that the open reservations of each level can be summed when another call on that level asks.
ALTER TABLE key_reservations ADD COLUMN team_id text;
ALTER TABLE key_reservations ADD COLUMN user_id text;
ALTER TABLE key_reservations ADD COLUMN end_user text;
CREATE INDEX key_reservations_team_idx ON key_reservations (team_id, expires_at) WHERE team_id IS NOT NULL;
CREATE INDEX key_reservations_user_idx ON key_reservations (user_id, expires_at) WHERE user_id IS NOT NULL;
CREATE INDEX key_reservations_end_user_idx ON key_reservations (end_user, expires_at) WHERE end_user IS NOT NULL;
