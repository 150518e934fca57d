// The result budget through the real dispatcher, pool and tick runner, on a real store and
// SQLite source: while one report holds a large result (its delivery held open), another
// evaluation's query waits for the bytes instead of reading its rows beside it; with the room
// for both, it does not wait. Either way every byte comes back.
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

/** A delivery that holds the big report's send open until `open()`; records every send. */
function gatedDelivery() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const sent: string[] = [];
  let bigWaiting = false;
  const delivery: Delivery = {
    async send(_recipient, message) {
      if (message.alert.sql === BIG_SQL) {
        bigWaiting = true;
        await gate;
      }
      sent.push(message.alert.sql);
      return { ok: true, ref: null, note: null };
    },
  };
  return { delivery, sent, open: () => open(), bigWaiting: () => bigWaiting };
}

async function runBoth(memory: ResultMemory, gated: ReturnType<typeof gatedDelivery>) {
  const at = (iso: string) => new Date(`2026-11-25T${iso}Z`);
  h.clock.set(at('00:00:30'));
  const report = { type: 'report' as const, condition: null, gracePeriodS: 3600, dataSource: 'big' };
  await h.createAlert({ ...report, name: 'big', sql: BIG_SQL });
  await h.createAlert({ ...report, name: 'small', sql: SMALL_SQL });
  const logger = silentLogger();
  const runner = createTickRunner({ store: h.store, dataSources: catalog, delivery: gated.delivery, clock: h.clock, instance: 'memory-1', logger, resultMemory: memory });
  const pool = createEvaluationPool(8, logger);
  const dispatch = createDispatchJob({ store: h.store, runner, pool, clock: h.clock, instance: 'memory-1', logger });
  h.clock.set(at('00:01:00.100'));
  for (let shard = 0; shard < 4; shard += 1) await dispatch(shard);
  return pool;
}

describe('result memory', () => {
  it('makes a query wait while another evaluation holds what the budget has room for', async () => {
    const memory = createResultMemory(2 * MiB);
    const gated = gatedDelivery();
    const pool = await runBoth(memory, gated);

    // The big report's 1.2 MB are held through its send; the small one needs 1.5 MiB to start.
    await eventually(async () => gated.bigWaiting() && memory.waiting === 1, 10_000, 'the big report in its send and the small one waiting');
    expect(memory.reservedBytes).toBeGreaterThan(1_200_000);
    expect(gated.sent).toEqual([]);

    gated.open();
    await pool.drain();
    expect(gated.sent).toEqual([BIG_SQL, SMALL_SQL]);
    expect(memory.reservedBytes).toBe(0);
  });

  it('with room for both, the small report is sent while the big one still holds its rows', async () => {
    const memory = createResultMemory(4 * MiB);
    const gated = gatedDelivery();
    const pool = await runBoth(memory, gated);

    await eventually(async () => gated.bigWaiting() && gated.sent.length === 1, 10_000, 'the small report sent beside the big one');
    expect(gated.sent).toEqual([SMALL_SQL]);
    expect(memory.waiting).toBe(0);

    gated.open();
    await pool.drain();
    expect(gated.sent).toEqual([SMALL_SQL, BIG_SQL]);
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
    const runner = createTickRunner({ store: h.store, dataSources: catalog, delivery: gated.delivery, clock: h.clock, instance: 'memory-2', logger: silentLogger(), resultMemory: memory });
    h.clock.set(new Date('2026-11-25T00:01:00.100Z'));
    const summary = await runner.runTick({ alertId: alert.id, scheduledAt: new Date('2026-11-25T00:01:00Z'), trigger: 'schedule' });
    expect(summary?.state).toBe('ERROR');
    expect(summary?.reason).toContain('larger than 1 MiB');
    expect(memory.reservedBytes).toBe(0);
  });
});
