-- Alerts and their execution log (DESIGN.md, "Execution semantics" and "Scheduling").
-- Ids are text holding a UUID, so a malformed id from Slack finds nothing instead of failing
-- the query. An alert's id comes from the service (its shard is derived from it); an
-- execution's from the database. Timestamps are timestamptz: JS Dates (milliseconds) round
-- trip exactly.

CREATE TABLE alerts (
  id                   text PRIMARY KEY,
  name                 text NOT NULL,
  description          text NOT NULL,
  owners               text[] NOT NULL,
  type                 text NOT NULL CHECK (type IN ('alert', 'report')),
  data_source          text NOT NULL,
  sql                  text NOT NULL,
  -- Condition, Content and Recipient[] are small tagged unions read whole: jsonb.
  condition            jsonb,
  schedule_cron        text NOT NULL,
  schedule_timezone    text NOT NULL,
  grace_period_s       integer NOT NULL,
  working_timeout_s    integer NOT NULL,
  log_retention_days   integer NOT NULL,
  content              jsonb NOT NULL,
  message_template     text,
  recipients           jsonb NOT NULL,
  email_fallback       boolean NOT NULL,
  notify_on_recovery   boolean NOT NULL,
  active               boolean NOT NULL,
  snoozed_until        timestamptz,
  next_run_at          timestamptz,
  shard                integer NOT NULL,
  -- Runtime projection of the execution log (AlertRuntime).
  last_state           text,
  last_evaluated_at    timestamptz,
  last_sent_at         timestamptz,
  last_sent_tick       timestamptz,
  firing_since         timestamptz,
  last_error_notice_at timestamptz,
  threads              jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by           text NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_by           text NOT NULL,
  updated_at           timestamptz NOT NULL
);

-- Names are unique ignoring case; the store maps a violation to ConflictError.
CREATE UNIQUE INDEX alerts_name_key ON alerts (lower(name));

-- The dispatch job's query: a shard's active alerts whose next run has come.
CREATE INDEX alerts_due_idx ON alerts (shard, next_run_at) WHERE active;

CREATE TABLE executions (
  id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  alert_id         text NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  scheduled_at     timestamptz NOT NULL,
  trigger          text NOT NULL CHECK (trigger IN ('schedule', 'run_now', 'takeover')),
  state            text NOT NULL
                   CHECK (state IN ('WORKING', 'SKIPPED', 'NOOP', 'GRACE', 'SUCCESS', 'ERROR', 'UNKNOWN')),
  reason           text,
  value            text,
  row_count        integer,
  instance         text NOT NULL,
  attempt          smallint NOT NULL DEFAULT 1,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  send_started_at  timestamptz,
  deliveries       jsonb NOT NULL DEFAULT '[]'::jsonb,
  owners_notified  boolean NOT NULL DEFAULT false,
  query_ms         integer,
  delivery_ms      integer,
  -- A tick runs at most once: claimTick inserts ON CONFLICT on this key. Its index also
  -- serves history (alert_id, scheduled_at DESC) by a backward scan, so there is no second one.
  CONSTRAINT executions_tick_key UNIQUE (alert_id, scheduled_at)
);

-- runningExecution and staleExecutions look only at WORKING rows: a small partial index.
CREATE INDEX executions_working_idx ON executions (alert_id, started_at) WHERE state = 'WORKING';
