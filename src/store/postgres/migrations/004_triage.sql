-- Triage (issue 4/6, DESIGN.md "Triage"). Every spec column has a default that is what an alert
-- made before meant: repeats by grace period, no quiet hours, no mentions; every runtime column
-- one that means "no open incident's triage": not acknowledged, no reminder sent, nothing held.
-- So alerts stored before run exactly as they did.
ALTER TABLE alerts
  ADD COLUMN reminders      jsonb NOT NULL DEFAULT '{"mode":"grace"}'::jsonb,
  ADD COLUMN quiet_hours    jsonb,
  ADD COLUMN mention_column text,
  ADD COLUMN mentions       jsonb NOT NULL DEFAULT '{"warning":[],"critical":[]}'::jsonb,
  -- Runtime: the open incident's acknowledgement (set only by setAcknowledgement's conditional
  -- update, or cleared by a tick), its reminders, and since when messages are held.
  ADD COLUMN ack            jsonb,
  ADD COLUMN reminded       jsonb NOT NULL DEFAULT '{"sent":0,"lastTick":null}'::jsonb,
  ADD COLUMN held_since     timestamptz;

-- Settings that hold for every alert, one row per key: 'mute' (an admin's mute of everything).
CREATE TABLE lookout_settings (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);

-- deliveriesSince (delivery health, every minute): executions that delivered something, newest
-- finished first. Ticks that sent nothing (most of them) stay out of the index.
CREATE INDEX executions_delivered_idx ON executions (finished_at) WHERE deliveries <> '[]'::jsonb;

-- unknownDeliveries (reconciliation, every minute): only executions with an unknown delivery not
-- yet looked up, which are few and leave the index once reconciled. The predicate is repeated
-- word for word in the query (store.ts), so the planner can prove the index applies.
CREATE INDEX executions_unreconciled_idx ON executions (started_at)
  WHERE jsonb_path_exists(deliveries, '$[*] ? (@.unknown == true && !(@.reconciled != null))');
