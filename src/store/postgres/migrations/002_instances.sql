-- Running Lookout instances and when each was last seen, so the shard jobs can be spread over
-- them (DESIGN.md, "Decisions (issue 5/5)"). A row is refreshed every few seconds and removed
-- on a graceful stop; one that stops being refreshed (a killed instance) simply ages out.
CREATE TABLE instances (
  name     text PRIMARY KEY,
  seen_at  timestamptz NOT NULL
);
