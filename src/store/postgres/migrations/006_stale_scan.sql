-- staleExecutions (every shard's dispatch, every few seconds): WORKING executions old enough to be
-- stale under the shortest working timeout an alert may have (domain/stale-run.ts). Under load
-- thousands of runs are WORKING and nearly all are seconds old; read by start time, the query
-- stops before them instead of reading every WORKING run and its alert.
CREATE INDEX executions_stale_idx ON executions (started_at, id) WHERE state = 'WORKING';
