// The PostgreSQL batch finish (finish-batch.ts) knows every runtime column rows.ts writes, so
// a runtime field added later cannot be dropped silently by finishExecutions.
import { describe, expect, it } from '@jest/globals';
import { NO_TRIAGE_RUNTIME, type AlertRuntime } from '../../../../src/domain/types.js';
import { BATCH_RUNTIME_COLUMNS, finishBatchParams } from '../../../../src/store/postgres/finish-batch.js';
import { runtimeAssignments } from '../../../../src/store/postgres/rows.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');

const RUNTIME: AlertRuntime = {
  lastState: 'SUCCESS',
  lastEvaluatedAt: T0,
  lastSentAt: T0,
  lastSentTick: T0,
  firingSince: T0,
  lastErrorNoticeAt: T0,
  threads: {},
  series: {},
  keysSeededAt: T0,
  ...NO_TRIAGE_RUNTIME,
};

describe('PostgreSQL batched finishes', () => {
  it('has a column for each runtime column rows.ts writes, and no other', () => {
    expect([...BATCH_RUNTIME_COLUMNS].sort()).toEqual(runtimeAssignments(RUNTIME).map(([column]) => column).sort());
  });

  it('sets a mask bit for each runtime field an item gives, and leaves the others unset', () => {
    const params = finishBatchParams([
      { id: 'e1', finish: { state: 'NOOP', reason: null, finishedAt: T0 } },
      { id: 'e2', finish: { state: 'SUCCESS', reason: null, finishedAt: T0 }, runtime: { lastState: 'SUCCESS', ack: null } },
    ]);
    const mask = params[11]!;
    expect(mask[0]).toBe(0);
    const set = BATCH_RUNTIME_COLUMNS.filter((_, i) => ((mask[1] as number) & (2 ** i)) !== 0);
    expect(set.sort()).toEqual(['ack', 'last_state']);
  });
});
