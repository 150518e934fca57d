// The tick's batched writes (store/batched-writes.ts) on the machine's PostgreSQL, in a database
// of its own: finishes made at once go in a few statements, each caller still learning whether
// its execution was WORKING and its runtime saved with it; an item the database refuses fails
// alone; the send marks land; a mute read after the mute was set sees it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { ExecutionState } from '../../../../src/domain/types.js';
import { createBatchedWrites } from '../../../../src/store/batched-writes.js';
import type { Store } from '../../../../src/store/port.js';
import { createPostgresStore } from '../../../../src/store/postgres/store.js';
import { T0, newAlertFixture, plusSeconds } from '../../../contract/store-fixtures.js';

const SERVER = 'postgres://postgres@127.0.0.1:5432';
const admin = new pg.Pool({ connectionString: `${SERVER}/postgres`, max: 1 });
admin.on('error', () => undefined);
const database = `lookout_batch_${process.pid}_${randomBytes(4).toString('hex')}`;
let store: Store;

beforeAll(async () => {
  await admin.query(`CREATE DATABASE ${database}`);
  store = await createPostgresStore({ connectionString: `${SERVER}/${database}`, prepare: true });
});

afterAll(async () => {
  await store.close();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

/** The store's batch calls, with the size of each finish batch noted. */
function counting(sizes: number[]): Pick<Store, 'finishExecutions' | 'markSendings' | 'getMute'> {
  return {
    finishExecutions: (items) => {
      sizes.push(items.length);
      return store.finishExecutions(items);
    },
    markSendings: (marks) => store.markSendings(marks),
    getMute: () => store.getMute(),
  };
}

async function claimedTicks(n: number, scheduledAt: Date) {
  const alerts = await Promise.all(Array.from({ length: n }, () => store.createAlert(newAlertFixture())));
  const claims = await store.claimTicks(alerts.map((a) => ({ alertId: a.id, scheduledAt, trigger: 'schedule' as const, instance: 'i1', now: scheduledAt })));
  return claims.map((c) => c.execution);
}

describe('batched writes on PostgreSQL', () => {
  it('finishes 40 ticks made at once in a few statements; each caller learns its own answer', async () => {
    const executions = await claimedTicks(40, T0);
    // Five of them were finished by someone else first (timed out by another instance).
    for (const e of executions.slice(0, 5)) await store.finishExecution(e.id, { state: 'ERROR', reason: 'working timeout', finishedAt: T0 });
    const sizes: number[] = [];
    const writes = createBatchedWrites(counting(sizes));
    const answers = await Promise.all(
      executions.map((e, i) => writes.finishExecution(e.id, { state: 'SUCCESS', reason: null, rowCount: i, finishedAt: plusSeconds(T0, 1) }, { lastState: 'SUCCESS', lastSentTick: T0 })),
    );
    expect(answers).toEqual(executions.map((_, i) => i >= 5));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    expect(sizes.length).toBeLessThan(40);
    for (const [i, e] of executions.entries()) {
      const alert = await store.getAlert(e.alertId);
      expect(alert?.lastState).toBe(i >= 5 ? 'SUCCESS' : null);
      expect((await store.getExecution(e.id))?.rowCount).toBe(i >= 5 ? i : null);
    }
  });

  it('a finish the database refuses fails alone; the others in its batch are recorded', async () => {
    const executions = await claimedTicks(3, plusSeconds(T0, 60));
    const writes = createBatchedWrites(store);
    const results = await Promise.allSettled(
      executions.map((e, i) => writes.finishExecution(e.id, { state: (i === 1 ? 'BOGUS' : 'NOOP') as ExecutionState, reason: null, finishedAt: plusSeconds(T0, 61) })),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.getExecution(executions[0]!.id))?.state).toBe('NOOP');
    expect((await store.getExecution(executions[1]!.id))?.state).toBe('WORKING');
    expect((await store.getExecution(executions[2]!.id))?.state).toBe('NOOP');
  });

  it('marks sends, and a mute read made after the mute was set sees it', async () => {
    const [execution] = await claimedTicks(1, plusSeconds(T0, 120));
    const writes = createBatchedWrites(store);
    await Promise.all([writes.markSending(execution!.id, plusSeconds(T0, 122)), writes.markSending(execution!.id, plusSeconds(T0, 121))]);
    expect((await store.getExecution(execution!.id))?.sendStartedAt).toEqual(plusSeconds(T0, 121));
    expect(await writes.getMute()).toBeNull();
    const mute = { by: 'U1', at: T0, until: plusSeconds(T0, 3600) };
    await store.setMute(mute);
    expect(await writes.getMute()).toEqual(mute);
    await writes.flush();
  });
});
