-- Alerts as code (issue 5/6, DESIGN.md "Alerts as code"): each alert's stable key, the file that
-- manages it, and the versions of its definition.
ALTER TABLE alerts
  ADD COLUMN key        text,
  -- The alert file that defines it (relative path), or NULL for an alert made in Slack.
  ADD COLUMN managed_by text;

-- Alerts stored before keys get the key domain/alert-key.ts makes from the name: accents dropped,
-- lower-cased, every run of other characters a '-', at most 64 characters, 'alert' when nothing is
-- left. Names that give the same key (they differ only in case or punctuation) are told apart,
-- after the oldest, by the first 8 characters of their id.
WITH slugs AS (
  SELECT id, created_at,
         coalesce(nullif(rtrim(left(trim(both '-' FROM regexp_replace(lower(regexp_replace(normalize(name, NFKD), '[\u0300-\u036f]', '', 'g')), '[^a-z0-9]+', '-', 'g')), 64), '-'), ''), 'alert') AS slug
  FROM alerts
), numbered AS (
  SELECT id, slug, row_number() OVER (PARTITION BY slug ORDER BY created_at, id) AS n FROM slugs
)
UPDATE alerts a
SET key = CASE WHEN numbered.n = 1 THEN numbered.slug ELSE rtrim(left(numbered.slug, 55), '-') || '-' || lower(left(a.id, 8)) END
FROM numbered
WHERE a.id = numbered.id;

ALTER TABLE alerts ALTER COLUMN key SET NOT NULL;
-- The store maps a violation to ConflictError('key').
CREATE UNIQUE INDEX alerts_key_key ON alerts (key);

-- Each version of an alert's definition: the whole spec as it was saved, who saved it, when,
-- through what, and which fields changed since the version before. Numbered 1, 2, … per alert;
-- deleting the alert deletes them.
CREATE TABLE alert_versions (
  alert_id      text NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  version       integer NOT NULL,
  spec          jsonb NOT NULL,
  managed_by    text,
  changed       text[] NOT NULL,
  changed_by    text NOT NULL,
  changed_at    timestamptz NOT NULL,
  via           text NOT NULL CHECK (via IN ('slack', 'cli', 'files')),
  restored_from integer,
  PRIMARY KEY (alert_id, version)
);
