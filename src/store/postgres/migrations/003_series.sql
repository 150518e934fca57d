-- Conditions over time and per series (issue 3/6, DESIGN.md "Series"). Every column has a
-- default that is what an alert made before meant: the single value, one series, one level, no
-- waiting. So alerts stored before run exactly as they did.
ALTER TABLE alerts
  ADD COLUMN measure           jsonb   NOT NULL DEFAULT '{"kind":"value"}'::jsonb,
  ADD COLUMN labels            text[]  NOT NULL DEFAULT '{}',
  ADD COLUMN warning           jsonb,
  ADD COLUMN pending_ticks     integer NOT NULL DEFAULT 1,
  ADD COLUMN keep_firing_ticks integer NOT NULL DEFAULT 0,
  -- Runtime: each series' state by key, and when a new-rows alert first recorded its keys.
  ADD COLUMN series            jsonb   NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN keys_seeded_at    timestamptz;

ALTER TABLE executions ADD COLUMN series jsonb NOT NULL DEFAULT '[]'::jsonb;

-- Keys a new-rows alert has seen, and when first; pruned after the alert's retention.
CREATE TABLE alert_keys (
  alert_id text NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  key      text NOT NULL,
  seen_at  timestamptz NOT NULL,
  PRIMARY KEY (alert_id, key)
);
CREATE INDEX alert_keys_seen_idx ON alert_keys (alert_id, seen_at);
