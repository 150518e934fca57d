-- Alerts as code (issue 5/6, DESIGN.md "Alerts as code"): each alert's stable key, the file that
-- manages it, and the versions of its definition.
ALTER TABLE alerts
  ADD COLUMN key        text,
  -- The alert file that defines it (relative path), or NULL for an alert made in Slack.
  ADD COLUMN managed_by text;

-- The key domain/alert-key.ts makes from a name: accents dropped, lower-cased, every run of other
-- characters a '-', at most 64 characters, 'alert' when nothing is left.
CREATE FUNCTION lookout_key_from_name(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(nullif(rtrim(left(trim(both '-' FROM regexp_replace(lower(regexp_replace(normalize(name, NFKD), '[\u0300-\u036f]', '', 'g')), '[^a-z0-9]+', '-', 'g')), 64), '-'), ''), 'alert')
$$;

-- Alerts stored before keys get their name's key. Names that give the same key (they differ only
-- in case or punctuation) are told apart, after the oldest, by the first 8 characters of their id.
WITH numbered AS (
  SELECT id, lookout_key_from_name(name) AS slug,
         row_number() OVER (PARTITION BY lookout_key_from_name(name) ORDER BY created_at, id) AS n
  FROM alerts
)
UPDATE alerts a
SET key = CASE WHEN numbered.n = 1 THEN numbered.slug ELSE rtrim(left(numbered.slug, 55), '-') || '-' || lower(left(a.id, 8)) END
FROM numbered
WHERE a.id = numbered.id;

ALTER TABLE alerts ALTER COLUMN key SET NOT NULL;
-- The store maps a violation to ConflictError('key').
CREATE UNIQUE INDEX alerts_key_key ON alerts (key);

-- A row written without a key (by a Lookout from before keys, during a rolling upgrade) gets one
-- the same way, rather than failing.
CREATE FUNCTION lookout_alert_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.key IS NULL THEN
    NEW.key := lookout_key_from_name(NEW.name);
    IF EXISTS (SELECT 1 FROM alerts WHERE key = NEW.key) THEN
      NEW.key := rtrim(left(NEW.key, 55), '-') || '-' || lower(left(NEW.id, 8));
    END IF;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER alerts_key BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION lookout_alert_key();

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
