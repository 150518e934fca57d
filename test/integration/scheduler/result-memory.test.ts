// The result budget through the real dispatcher, pool and tick runner, on a real store and
// SQLite source: while one report holds a large result (its delivery held open), another
// evaluation's query waits for the bytes instead of reading its rows beside it; a result read
// keeps only what its rows take; a wait ends at the working timeout. Every byte comes back.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { dataSourceConfig } from '../../../src/config.js';
import { createDataSourceCatalog } from '../../../src/datasources/catalog.js';
import { silentLogger } from '../../../src/logger.js';
import { createDispatchJob } from '../../../src/scheduler/dispatch-job.js';
import { createEvaluationPool } from '../../../src/scheduler/evaluation-pool.js';
import type { Delivery } from '../../../src/services/delivery-port.js';
import { createResultMemory, type ResultMemory } from '../../../src/services/result-memory.js';
import { createTickRunner } from '../../../src/services/tick-runner.js';
import { isOwnerNotice } from '../../../src/messages/outgoing.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { eventually } from '../../support/eventually.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'lookout-result-memory-'));
const bigPath = join(dir, 'big.sqlite');
{
  const db = new Database(bigPath);
  db.exec("CREATE TABLE t (v); INSERT INTO t VALUES ('small')");
  db.close();
}
// Reports read up to 1.5 MiB each; the big one holds about 1.2 MB once read (600,000 characters).
const big = dataSourceConfig({ name: 'big', kind: 'sqlite', path: bigPath, statementTimeoutS: 60, maxRows: 100, poolSize: 2, maxCellBytes: MiB, maxResultBytes: 1.5 * MiB });
const BIG_SQL = 'SELECT hex(zeroblob(300000)) AS x';
const SMALL_SQL = 'SELECT 1 AS x';
// 100 rows of 1,000 NULLs: nothing against the source's byte caps, about 2.4 MB in memory.
const NULLS_SQL = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT ${Array.from({ length: 1000 }, (_, i) => `NULL AS c${i}`).join(', ')} FROM n`;

let h: Harness;
const catalog = createDataSourceCatalog([big]);
beforeAll(async () => {
  h = await createHarness({ extraSources: [big] });
});
afterAll(async () => {
  await catalog.closeAll();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  for (const alert of await h.store.listAlerts()) await h.store.deleteAlert(alert.id);
});

/**
 * A delivery that holds the big report's (or `held`'s) send open until `open()`, and, with
 * `smallsTogether`, each small report's send until that many are in their sends at once; records
 * every report sent.
 */
function gatedDelivery(smallsTogether = 1, held = BIG_SQL) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let allSmallsIn!: () => void;
  const smallsIn = new Promise<void>((resolve) => (allSmallsIn = resolve));
  let smallsSending = 0;
  const sent: string[] = [];
  let bigWaiting = false;
  const delivery: Delivery = {
    async send(_recipient, message) {
      if (message.alert.sql === held) {
        bigWaiting = true;
        await gate;
      }
      if (message.alert.sql === SMALL_SQL && !isOwnerNotice(message)) {
        smallsSending += 1;
        if (smallsSending >= smallsTogether) allSmallsIn();
        await smallsIn;
      }
      // Owners' notices (an error's) are not the reports this counts.
      if (!isOwnerNotice(message)) sent.push(message.alert.sql);
      return { ok: true, ref: null, note: null };
    },
  };
  return { delivery, sent, open: () => open(), bigWaiting: () => bigWaiting };
}

const at = (iso: string) => new Date(`2026-11-25T${iso}Z`);
const REPORT = { type: 'report' as const, condition: null, gracePeriodS: 3600, dataSource: 'big' };

function runnerWith(memory: ResultMemory, delivery: Delivery, instance = 'memory-1') {
  return createTickRunner({ store: h.store, dataSources: catalog, delivery, clock: h.clock, instance, logger: silentLogger(), resultMemory: memory });
}

/** The big report (or `sql`), due at 00:01, claimed by the dispatcher and run in the pool (its send held open). */
async function startBig(memory: ResultMemory, gated: ReturnType<typeof gatedDelivery>, sql = BIG_SQL) {
  h.clock.set(at('00:00:30'));
  await h.createAlert({ ...REPORT, name: 'big', sql });
  const logger = silentLogger();
  const pool = createEvaluationPool(8, logger);
  const dispatch = createDispatchJob({ store: h.store, runner: runnerWith(memory, gated.delivery), pool, clock: h.clock, instance: 'memory-1', logger });
  h.clock.set(at('00:01:00.100'));
  for (let shard = 0; shard < 4; shard += 1) await dispatch(shard);
  await eventually(async () => gated.bigWaiting(), 10_000, 'the big report in its send');
  return pool;
}

/** A small report (hourly, so the dispatcher leaves it), run now. */
async function smallReport(name: string) {
  return h.createAlert({ ...REPORT, name, sql: SMALL_SQL, schedule: { cron: '0 * * * *', timezone: 'UTC' } });
}
const runNow = (memory: ResultMemory, delivery: Delivery, alertId: string) =>
  runnerWith(memory, delivery).runTick({ alertId, scheduledAt: h.clock(), trigger: 'run_now' });

describe('result memory', () => {
  it.each([
    // The big report holds ~1.2 MB through its send; the small one needs 1.5 MiB to start.
    { what: 'a large text value', held: BIG_SQL, budget: 2 * MiB, heldAtLeast: 1_200_000 },
    // Rows the byte caps count as nothing (NULLs) are counted at their size in memory: 3 MiB has
    // room for the small report's 1.5 MiB beside their 1.5 MiB reservation, but not beside the
    // ~2.4 MB they take once read.
    { what: '100 rows of 1,000 NULLs', held: NULLS_SQL, budget: 3 * MiB, heldAtLeast: 2_000_000 },
  ])('a query waits while another report holds $what, and runs once it is let go', async ({ held, budget, heldAtLeast }) => {
    const memory = createResultMemory(budget);
    const gated = gatedDelivery(1, held);
    const small = await smallReport('small');
    const pool = await startBig(memory, gated, held);
    expect(memory.reservedBytes).toBeGreaterThan(heldAtLeast);

    const smallRun = runNow(memory, gated.delivery, small.id);
    await eventually(async () => memory.waiting === 1, 10_000, 'the small report waiting');
    expect(memory.reservedBytes).toBeGreaterThan(heldAtLeast);
    expect(gated.sent).toEqual([]);

    gated.open();
    await pool.drain();
    expect((await smallRun)?.state).toBe('SUCCESS');
    expect(gated.sent).toEqual([held, SMALL_SQL]);
    expect(memory.reservedBytes).toBe(0);
  });

  it('a result read keeps only what its rows take, so two small reports hold theirs beside the big one', async () => {
    // 3 MiB: the big report's ~1.2 MB and one small report's 1.5 MiB reservation fit; a second
    // 1.5 MiB fits only once the first small result is down to its few hundred bytes. Each small
    // send waits until both are sending, so both hold their results at once.
    const memory = createResultMemory(3 * MiB);
    const gated = gatedDelivery(2);
    const [one, two] = [await smallReport('one'), await smallReport('two')];
    const pool = await startBig(memory, gated);

    const both = await Promise.all([runNow(memory, gated.delivery, one.id), runNow(memory, gated.delivery, two.id)]);
    expect(both.map((s) => s?.state)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(gated.sent).toEqual([SMALL_SQL, SMALL_SQL]);
    expect(gated.bigWaiting()).toBe(true);

    gated.open();
    await pool.drain();
    expect(gated.sent).toEqual([SMALL_SQL, SMALL_SQL, BIG_SQL]);
    expect(memory.reservedBytes).toBe(0);
  });

  it('a query still waiting for memory at the working timeout ends with a sentence that says so', async () => {
    const memory = createResultMemory(2 * MiB);
    const gated = gatedDelivery();
    // Another evaluation holds the whole budget.
    const other = memory.hold();
    await other.reserve(2 * MiB, new AbortController().signal);
    h.clock.set(at('00:00:30'));
    const small = await smallReport('late');
    const runner = runnerWith(memory, gated.delivery, 'memory-3');
    const claimed = await runner.claim({ alertId: small.id, scheduledAt: at('00:00:30'), trigger: 'run_now' });
    expect(claimed).not.toBeNull();
    // 9.95 s of its 10 s working timeout gone before it runs.
    h.clock.set(new Date(claimed!.execution.startedAt.getTime() + 9_950));
    const summary = await runner.runClaimed({ ...claimed!.alert, workingTimeoutS: 10 }, claimed!.execution);
    expect(summary.state).toBe('ERROR');
    expect(summary.reason).toContain('had still not started, waiting for memory');
    expect(gated.sent).toEqual([]);
    expect(memory.waiting).toBe(0);
    expect(memory.reservedBytes).toBe(2 * MiB);
    other.free();
    expect(memory.reservedBytes).toBe(0);
  });

  it('a query that fails (a value past the cell cap) leaves nothing reserved', async () => {
    const memory = createResultMemory(2 * MiB);
    const gated = gatedDelivery();
    h.clock.set(new Date('2026-11-25T00:00:30Z'));
    const alert = await h.createAlert({ type: 'report', condition: null, gracePeriodS: 3600, dataSource: 'big', sql: 'SELECT v FROM t' });
    // The data grows past the cell cap after the alert was saved.
    const db = new Database(bigPath);
    db.exec('UPDATE t SET v = hex(zeroblob(1000000))');
    db.close();
    const runner = runnerWith(memory, gated.delivery, 'memory-2');
    h.clock.set(new Date('2026-11-25T00:01:00.100Z'));
    const summary = await runner.runTick({ alertId: alert.id, scheduledAt: new Date('2026-11-25T00:01:00Z'), trigger: 'schedule' });
    expect(summary?.state).toBe('ERROR');
    expect(summary?.reason).toContain('larger than 1 MiB');
    expect(memory.reservedBytes).toBe(0);
  });
});
