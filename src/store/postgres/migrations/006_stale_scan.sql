-- staleExecutions (every shard's dispatch, every few seconds): WORKING executions started longer
-- ago than the shortest working timeout of the shard's alerts, read by start time. Under load
-- thousands of runs are WORKING, all younger than any timeout; the scan stops before them instead
-- of reading every WORKING run and its alert.
CREATE INDEX executions_stale_idx ON executions (started_at, id) WHERE state = 'WORKING';
-- The shard's shortest working timeout: one index probe.
CREATE INDEX alerts_shard_timeout_idx ON alerts (shard, working_timeout_s);
