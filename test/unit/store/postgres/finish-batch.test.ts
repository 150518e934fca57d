// The PostgreSQL batch finish (finish-batch.ts) writes every runtime column rows.ts writes, and
// the same values: its one JSON parameter carries what rows.ts sends as parameters (JSON text
// for jsonb, dates as instants), so a runtime field added later cannot go astray here.
import { describe, expect, it } from '@jest/globals';
import type { AlertRuntime } from '../../../../src/domain/types.js';
import { BATCH_RUNTIME_COLUMNS, finishBatchParams, runtimeName } from '../../../../src/store/postgres/finish-batch.js';
import { runtimeAssignments } from '../../../../src/store/postgres/rows.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const T1 = new Date('2026-03-01T09:01:00.500Z');

const RUNTIME: AlertRuntime = {
  lastState: 'SUCCESS',
  lastEvaluatedAt: T0,
  lastSentAt: T1,
  lastSentTick: T0,
  firingSince: T0,
  lastErrorNoticeAt: T1,
  threads: { 'email:ops@example.com': 'C1:"1"' },
  drawn: { 'email:ops@example.com': 'C1:"1"|own|x' },
  series: { eu: { labels: { region: 'eu' }, status: 'firing', level: 'critical', held: 2, quiet: 0, since: T0, lastSentTick: T1, value: 3.5 } },
  keysSeededAt: T0,
  ack: { by: 'U1', at: T1, channel: 'C1' },
  reminded: { sent: 1, lastTick: T0 },
  heldSince: T1,
};

/** The records of the statement's parameter. */
function records(...items: Parameters<typeof finishBatchParams>[0]): Record<string, unknown>[] {
  return JSON.parse(finishBatchParams(items)[0]) as Record<string, unknown>[];
}

describe('PostgreSQL batched finishes', () => {
  it('has a column for each runtime column rows.ts writes, and no other', () => {
    expect([...BATCH_RUNTIME_COLUMNS].sort()).toEqual(runtimeAssignments(RUNTIME).map(([column]) => column).sort());
  });

  it('carries the values rows.ts writes: jsonb as the same JSON, dates as the same instants', () => {
    const [record] = records({ id: 'e1', finish: { state: 'SUCCESS', reason: null, finishedAt: T0 }, runtime: RUNTIME });
    for (const [column, value] of runtimeAssignments(RUNTIME)) {
      const carried = record![runtimeName(BATCH_RUNTIME_COLUMNS.indexOf(column))];
      if (value instanceof Date) expect(carried).toBe(value.toISOString());
      else if (typeof value === 'string' && /^[[{]/.test(value)) expect(carried).toEqual(JSON.parse(value));
      else expect(carried).toEqual(value);
    }
  });

  it('sets a mask bit for each runtime field an item gives, and leaves the others out', () => {
    const [none, some] = records(
      { id: 'e1', finish: { state: 'NOOP', reason: null, finishedAt: T0 } },
      { id: 'e2', finish: { state: 'SUCCESS', reason: null, finishedAt: T0 }, runtime: { lastState: 'SUCCESS', ack: null } },
    );
    expect(none!.mask).toBe(0);
    const set = BATCH_RUNTIME_COLUMNS.filter((_, i) => ((some!.mask as number) & (2 ** i)) !== 0);
    expect(set.sort()).toEqual(['ack', 'last_state']);
    // No acknowledgement is JSON null, which PostgreSQL reads as SQL NULL.
    expect(some![runtimeName(BATCH_RUNTIME_COLUMNS.indexOf('ack'))]).toBeNull();
    expect(Object.keys(none!).filter((k) => /^rt\d+$/.test(k))).toEqual([]);
  });
});
