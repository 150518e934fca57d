// Hostile results on every engine (DuckDB's run in its reader process, like SQLite's): a value
// of 540 MB, 60 rows of 20 MB, an error message that quotes 540 MB. Each costs one failed query
// whose sentence says the result is too large; the process stays up, its memory stays bounded,
// and the next query on the same source works.
// Each query runs in a process of its own (support/hostile-query.ts), so a result that ends
// the process fails the test instead of the test run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSourceInput } from '../../src/config.js';
import { runHostile, type Run } from './support/hostile-query.js';

const MiB = 1024 * 1024;
const PG_URL = process.env.TEST_DATASOURCE_POSTGRES_URL ?? 'postgres://lookout_reader@127.0.0.1:5432/test';
const MARIA_URL = process.env.TEST_DATASOURCE_MYSQL_URL ?? 'mysql://lookout_reader@127.0.0.1:3306/test';
/** What one query may add to Lookout's memory with the default 16 MiB result cap (DESIGN: 3 x cap and change). */
const GROWTH_BOUND = 128 * MiB;
const SIXTY = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)';

const dir = mkdtempSync(join(tmpdir(), `lookout-hostile-${process.pid}-`));
const file = join(dir, 'empty.db');

const pg = (extra: Partial<DataSourceInput> = {}): DataSourceInput => ({ name: 'pg', kind: 'postgres', url: PG_URL, poolSize: 1, ...extra }) as DataSourceInput;
const maria = (extra: Partial<DataSourceInput> = {}): DataSourceInput => ({ name: 'maria', kind: 'mysql', url: MARIA_URL, poolSize: 1, ...extra }) as DataSourceInput;
const sqlite = (extra: Partial<DataSourceInput> = {}): DataSourceInput => ({ name: 'lite', kind: 'sqlite', path: file, poolSize: 1, ...extra }) as DataSourceInput;
const duck = (extra: Partial<DataSourceInput> = {}): DataSourceInput => ({ name: 'duck', kind: 'duckdb', allowedDirs: [dir], poolSize: 1, ...extra }) as DataSourceInput;

beforeAll(() => {
  const db = new Database(file);
  db.exec('CREATE TABLE t (x)');
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The process ran the query and the next one, and reported. */
function reported(run: Run) {
  expect({ code: run.code, signal: run.signal, crashed: run.report === null ? run.stderr.slice(-600) : null }).toEqual({
    code: 0,
    signal: null,
    crashed: null,
  });
  return run.report!;
}

/** One failed query, too large, with a sentence saying what to do; then the source still works; memory bounded. */
function expectOneFailedRun(run: Run, sentence: RegExp) {
  const report = reported(run);
  expect(report.query).toMatchObject({ ok: false, reason: 'too_large' });
  expect(report.query.message).toMatch(sentence);
  expect(report.next).toMatchObject({ ok: true, first: [1] });
  expect(report.rssGrowth).toBeLessThan(GROWTH_BOUND);
}

const TOO_LARGE = /larger than (16|1) MiB|more (memory )?than the \d+ MiB of memory|more memory than Lookout gives|larger than SQLite allows/;
/** A DuckDB reader's data segment is 768 MiB with the default caps; a replacement may be starting beside it. */
const DUCKDB_READERS_RSS = 1024 * MiB;

describe('PostgreSQL', () => {
  it('a 540 MB value: one failed query, the process alive, the source usable', async () => {
    // pg-protocol would buffer the whole row and fail to make it a string inside the socket's
    // data handler: uncatchable, the process ended (exit 1).
    expectOneFailedRun(await runHostile({ source: pg(), sql: "SELECT repeat('x', 540000000) AS big" }), /the result is larger than 16 MiB/);
  }, 180_000);

  it('an error message quoting a 540 MB value: the same', async () => {
    expectOneFailedRun(await runHostile({ source: pg(), sql: "SELECT repeat('x', 540000000)::int AS big" }), /the result is larger than 16 MiB/);
  }, 180_000);

  it('60 rows of 20 MB: stopped at the result cap, not read to the end', async () => {
    expectOneFailedRun(
      await runHostile({ source: pg(), sql: "SELECT repeat('x', 20000000) AS big FROM generate_series(1, 60)" }),
      /the result is larger than 16 MiB.*raise maxResultBytes/,
    );
  }, 120_000);

  it('a 2 MB value among small ones: the cell cap names the column', async () => {
    expectOneFailedRun(
      await runHostile({ source: pg(), sql: "SELECT g, CASE WHEN g = 5 THEN repeat('y', 2000000) END AS body FROM generate_series(1, 10) g" }),
      /a value in column "body" is larger than 1 MiB.*left\(col, 1000\)/,
    );
  }, 60_000);

  it('a billion rows still costs only the row cap', async () => {
    const report = reported(await runHostile({ source: pg(), sql: 'SELECT generate_series(1, 1000000000) AS g', maxRows: 1000 }));
    expect(report.query).toMatchObject({ ok: true, rows: 1000, truncated: true });
  }, 60_000);
});

describe('MariaDB', () => {
  // The server sends no value past max_allowed_packet (16 MB here): the hostile result is
  // many rows of nearly that, or one value of nearly that.
  it('a 16 MB value (the largest the server sends here): one failed query, the source usable', async () => {
    expectOneFailedRun(await runHostile({ source: maria(), sql: "SELECT REPEAT('x', 16000000) AS big" }), /a value in column "big" is larger than 1 MiB/);
  }, 60_000);

  it('60 rows of 15 MB: stopped on the wire at the result cap, even with the cell cap raised', async () => {
    expectOneFailedRun(
      await runHostile({ source: maria({ maxCellBytes: 16 * MiB }), sql: "SELECT REPEAT('x', 15000000) AS big FROM seq_1_to_60" }),
      /the result is larger than 16 MiB/,
    );
  }, 120_000);

  it('60 rows of 900 kB: stopped at the result cap', async () => {
    expectOneFailedRun(await runHostile({ source: maria(), sql: "SELECT REPEAT('x', 900000) AS big FROM seq_1_to_60" }), /the result is larger than 16 MiB/);
  }, 60_000);

  it('a billion rows still costs only the row cap', async () => {
    const report = reported(await runHostile({ source: maria(), sql: 'SELECT seq FROM seq_1_to_1000000000', maxRows: 1000 }));
    expect(report.query).toMatchObject({ ok: true, rows: 1000, truncated: true });
  }, 60_000);
});

describe('SQLite', () => {
  it.each([
    ['a 540 MB randomblob', 'SELECT randomblob(540000000) AS big'],
    ['a 540 MB zeroblob', 'SELECT zeroblob(540000000) AS big'],
    ['a 540 MB printf', "SELECT printf('%.*c', 540000000, 'x') AS big"],
    // Past what the reader can hold twice (SQLite's value and its copy in V8): the reader ends.
    ['a 150 MB randomblob', 'SELECT randomblob(150000000) AS big'],
    ['60 rows of 20 MB', `${SIXTY} SELECT randomblob(20000000) AS big FROM n`],
  ])('%s: one failed query, the reader bounded, the source usable', async (_, sql) => {
    const run = await runHostile({ source: sqlite(), sql });
    expectOneFailedRun(run, TOO_LARGE);
    // The reader's data segment is capped at 320 MiB with the default caps; its code adds some.
    expect(run.report!.childrenRss).toBeLessThan(400 * MiB);
  }, 120_000);

  it('60 rows of 400 kB blobs (800 kB as hex): stopped at the result cap, no more than the cap sent over IPC', async () => {
    expectOneFailedRun(await runHostile({ source: sqlite(), sql: `${SIXTY} SELECT randomblob(400000) AS big FROM n` }), /the result is larger than 16 MiB.*substr\(col, 1, 200\)/);
  }, 60_000);

  it('a value just over the cell cap names its column', async () => {
    expectOneFailedRun(await runHostile({ source: sqlite(), sql: "SELECT 1 AS id, printf('%.*c', 1100000, 'x') AS body" }), /a value in column "body" is larger than 1 MiB/);
  }, 60_000);

  it('a billion rows still costs only the row cap', async () => {
    const report = reported(
      await runHostile({ source: sqlite(), sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT i FROM n', maxRows: 1000 }),
    );
    expect(report.query).toMatchObject({ ok: true, rows: 1000, truncated: true });
  }, 60_000);
});

describe('DuckDB', () => {
  it.each([
    ['a 540 MB value', "SELECT repeat('x', 540000000) AS big"],
    ['60 rows of 20 MB', "SELECT repeat('x', 20000000) AS big FROM range(60)"],
    ['a 100 MB value', "SELECT 1 AS id, repeat('x', 100000000) AS big"],
  ])('%s: one failed query, Lookout and the reader bounded, the source usable', async (_, sql) => {
    const run = await runHostile({ source: duck(), sql });
    expectOneFailedRun(run, TOO_LARGE);
    expect(run.report!.childrenRss).toBeLessThan(DUCKDB_READERS_RSS);
  }, 120_000);

  it('60 rows of 900 kB: stopped at the result cap', async () => {
    expectOneFailedRun(await runHostile({ source: duck(), sql: "SELECT repeat('x', 900000) AS big FROM range(60)" }), /the result is larger than 16 MiB.*left\(col, 200\)/);
  }, 60_000);

  it('a billion rows still costs only the row cap', async () => {
    const report = reported(await runHostile({ source: duck(), sql: 'SELECT range FROM range(1000000000)', maxRows: 1000 }));
    expect(report.query).toMatchObject({ ok: true, rows: 1000, truncated: true });
  }, 60_000);
});
