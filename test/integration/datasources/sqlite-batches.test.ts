// SQLite queries sent to a reader in batches (datasources/sqlite-helpers.ts), on a real file
// with one reader: a query known to be quick that has turned slow times out alone, and the quick
// queries sent with it run again and answer; a reader that dies under a batch takes none of its
// queries with it: each runs again alone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceConfig } from '../../../src/config.js';
import { openDataSource } from '../../../src/datasources/open-data-source.js';
import type { DataSource } from '../../../src/datasources/port.js';
import { failure, opts } from './engine-cases.js';

const dir = mkdtempSync(join(tmpdir(), `lookout-sqlite-batches-${process.pid}-`));
const file = join(dir, 'grid.db');
// Quick while grid has one row; a cross join of billions once it has thousands.
const CROSS = 'SELECT count(*) FROM grid AS x, grid AS y, grid AS z';
// Keeps the one reader busy for a moment (seen for the first time, so it runs alone), so the
// queries made meanwhile wait and go together when it answers.
const BUSY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c';

let source: DataSource;

function growGrid(): void {
  const db = new Database(file);
  db.exec('WITH RECURSIVE s(n) AS (SELECT 2 UNION ALL SELECT n + 1 FROM s WHERE n < 3000) INSERT INTO grid SELECT n FROM s');
  db.close();
}

/** The live reader processes of this test's file. */
function readers(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(file);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

beforeAll(async () => {
  const db = new Database(file);
  db.exec('CREATE TABLE grid (n INTEGER); INSERT INTO grid VALUES (1);');
  db.close();
  source = openDataSource(dataSourceConfig({ name: 'sqlite-batches', kind: 'sqlite', path: file, statementTimeoutS: 60, maxRows: 1000, poolSize: 1 }));
  // Each text alone, a few times: the reader remembers the last run's time, and a first run (a
  // cold reader) can take longer than a quick query's 2 ms on a busy machine. From now on the
  // reader knows them as quick.
  for (let i = 0; i < 5; i += 1) {
    expect((await source.query(CROSS, opts)).rows).toEqual([[1]]);
    for (const n of [42, 43]) expect((await source.query(`SELECT ${n} AS n`, opts)).rows).toEqual([[n]]);
  }
  // Now the same text is slow, but the reader does not know it yet.
  growGrid();
});

afterAll(async () => {
  await source?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite queries in batches', () => {
  it('a quick query turned slow times out alone; the queries sent with it run again and answer', async () => {
    const busy = source.query(BUSY, opts);
    const slow = source.query(CROSS, { ...opts, timeoutMs: 500 });
    const quick = [42, 43, 42].map((n) => source.query(`SELECT ${n} AS n`, opts));
    expect((await failure(slow)).reason).toBe('timeout');
    expect((await Promise.all(quick)).map((r) => r.rows)).toEqual([[[42]], [[43]], [[42]]]);
    expect((await busy).rows).toEqual([[200000]]);
  });

  it('a reader that dies under a batch takes none of its queries with it: each runs again alone', async () => {
    const controller = new AbortController();
    const busy = source.query(BUSY, opts);
    // The slow one's deadline is the latest, so it runs last in its batch: the quick ones have
    // answered inside the reader, their replies not sent yet, when it dies.
    const slow = source.query(CROSS, { ...opts, timeoutMs: 60_000, signal: controller.signal });
    const quick = [42, 43].map((n) => source.query(`SELECT ${n} AS n`, opts));
    await busy;
    // The batch is with the reader now (it was sent as the busy query answered).
    for (const pid of readers()) process.kill(pid, 'SIGKILL');
    expect((await Promise.all(quick)).map((r) => r.rows)).toEqual([[[42]], [[43]]]);
    controller.abort();
    expect((await failure(slow)).reason).toBe('canceled');
  });
});
