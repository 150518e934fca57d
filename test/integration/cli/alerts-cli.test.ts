// `lookout alerts validate|diff|apply|export` against a real PostgreSQL database and a SQLite data
// source, run in-process through runCli (one run goes through bin/lookout.js as a child process):
// the sample directory applied, applied again (nothing to do), changed, pruned; an invalid file
// refused with lines and nothing changed; export applied to an empty store gives the same file.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import pg from 'pg';
import { runCli } from '../../../src/cli/run-cli.js';
import { createTempDatabase, type TempDatabase } from '../../support/postgres.js';

const ADMIN = 'U0ADMIN01';
const EXAMPLES = new URL('../../../examples/alerts/', import.meta.url).pathname;

let dir: string;
let db: TempDatabase;
let empty: TempDatabase;
let direct: pg.Pool;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-cli-'));
  const shop = new Database(join(dir, 'shop.sqlite'));
  shop.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT, status TEXT, amount REAL, created_at TEXT); INSERT INTO orders VALUES (1, 'Berlin', 'pending', 80, '2026-12-01 10:00:00');");
  shop.close();
  writeFileSync(
    join(dir, 'lookout.config.yml'),
    `admins: [${ADMIN}, U0OTHER01]\nalertsActor: ${ADMIN}\ndataSources:\n  - { name: shop, kind: sqlite, path: ${join(dir, 'shop.sqlite')} }\n`,
  );
  cpSync(EXAMPLES, join(dir, 'alerts'), { recursive: true });
  [db, empty] = await Promise.all([createTempDatabase('lookout_cli'), createTempDatabase('lookout_cli_empty')]);
  direct = new pg.Pool({ connectionString: db.url, max: 1 });
});

afterAll(async () => {
  await direct.end();
  await Promise.all([db.drop(), empty.drop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function cli(line: string, database: TempDatabase = db): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(line.split(' '), {
    env: { DATABASE_URL: database.url, LOOKOUT_CONFIG: join(dir, 'lookout.config.yml') },
    cwd: dir,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

const count = async (table: string): Promise<number> => Number((await direct.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

describe('lookout alerts on the sample directory', () => {
  it('validates it without a store', async () => {
    expect(await cli('alerts validate -f alerts')).toEqual({ code: 0, out: ['valid: 3 alerts in 2 files'], err: [] });
  });

  it('diffs, applies, and applies again with nothing to do; each alert managed by its file, each change recorded as the admin through the CLI', async () => {
    expect(await cli('alerts diff -f alerts')).toEqual({
      code: 0,
      out: [
        '+ daily-sales (“Daily sales”) create from alerts/sales.yml',
        '+ orders-fresh (“Orders are fresh”) create from alerts/ops/freshness.yml',
        '+ pending-orders (“Pending orders”) create from alerts/sales.yml',
        'diff: 3 to create, 0 to change, 0 to delete, 0 unchanged (without --prune nothing is deleted)',
      ],
      err: [],
    });
    expect(await count('alerts')).toBe(0);
    const applied = await cli('alerts apply -f alerts --prune');
    expect(applied.code).toBe(0);
    expect(applied.out.at(-1)).toBe('apply: 3 created, 0 changed, 0 deleted, 0 unchanged');
    const rows = await direct.query<{ key: string; managed_by: string }>('SELECT key, managed_by FROM alerts ORDER BY key');
    expect(rows.rows).toEqual([
      { key: 'daily-sales', managed_by: 'alerts/sales.yml' },
      { key: 'orders-fresh', managed_by: 'alerts/ops/freshness.yml' },
      { key: 'pending-orders', managed_by: 'alerts/sales.yml' },
    ]);
    const versions = await direct.query('SELECT version, changed, changed_by, via FROM alert_versions');
    expect(versions.rows).toEqual(Array(3).fill({ version: 1, changed: [], changed_by: ADMIN, via: 'cli' }));

    expect(await cli('alerts apply -f alerts --prune')).toEqual({ code: 0, out: ['apply: 0 created, 0 changed, 0 deleted, 3 unchanged'], err: [] });
    expect(await count('alert_versions')).toBe(3);
  });

  it('says which fields a changed file changes, and prunes what a file no longer lists', async () => {
    const sales = join(dir, 'alerts/sales.yml');
    const original = readFileSync(sales, 'utf8');
    // Pending orders leaves the file; Daily sales moves to 10:00 and gets a new description.
    const pendingAt = original.indexOf('  - key: pending-orders');
    writeFileSync(sales, original.slice(0, pendingAt).replace('"0 9 * * 1-5"', '"0 10 * * 1-5"').replace("Yesterday's revenue", 'Revenue'));
    expect((await cli('alerts diff -f alerts')).out).toEqual([
      '~ daily-sales (“Daily sales”) change: description, schedule',
      'diff: 0 to create, 1 to change, 0 to delete, 1 unchanged (without --prune nothing is deleted)',
    ]);
    expect((await cli('alerts diff -f alerts --prune')).out).toEqual([
      '~ daily-sales (“Daily sales”) change: description, schedule',
      '- pending-orders (“Pending orders”) delete: no longer in alerts/sales.yml',
      'diff: 0 to create, 1 to change, 1 to delete, 1 unchanged',
    ]);
    const applied = await cli('alerts apply -f alerts --prune');
    expect(applied.out).toEqual([
      '~ daily-sales (“Daily sales”) changed: description, schedule',
      '- pending-orders (“Pending orders”) deleted: no longer in alerts/sales.yml',
      'apply: 0 created, 1 changed, 1 deleted, 1 unchanged',
    ]);
    const version = await direct.query("SELECT v.version, v.changed, v.via FROM alert_versions v JOIN alerts a ON a.id = v.alert_id WHERE a.key = 'daily-sales' ORDER BY v.version");
    expect(version.rows).toEqual([
      { version: 1, changed: [], via: 'cli' },
      { version: 2, changed: ['description', 'schedule'], via: 'cli' },
    ]);
    writeFileSync(sales, original);
    expect((await cli('alerts apply -f alerts')).out.at(-1)).toBe('apply: 1 created, 1 changed, 0 deleted, 1 unchanged');
  });

  it('refuses a file with any invalid alert, with each problem at its line, and changes nothing', async () => {
    const before = await direct.query('SELECT key, updated_at FROM alerts ORDER BY key');
    const versions = await count('alert_versions');
    writeFileSync(
      join(dir, 'mixed.yml'),
      [
        'alerts:',
        '  - key: fine-report',
        '    name: Fine report',
        '    type: report',
        '    dataSource: shop',
        '    sql: SELECT 1',
        '    schedule: { cron: "0 9 * * *", timezone: UTC }',
        '    recipients: [{ kind: slack_channel, id: C0SHOPOPS }]',
        '  - key: broken',
        '    name: Broken',
        '    type: alert',
        '    dataSource: warehouse',
        '    sql: SELECT 1',
        '    condition: { op: ">", threshold: lots }',
        '    schedule: { cron: "0 9 * *", timezone: UTC }',
        '    recipients: [{ kind: slack_channel, id: C0SHOPOPS }]',
        '',
      ].join('\n'),
    );
    const expected = [
      'mixed.yml:12:17: alerts[1] dataSource: is not a data source you may use; choose one from the list',
      'mixed.yml:14:38: alerts[1] condition.threshold: threshold must be a number, e.g. 100 or 0.5',
      'mixed.yml:15:23: alerts[1] schedule.cron: "0 9 * *" has 4 fields, not 5. Use 5 fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5.',
    ];
    expect(await cli('alerts validate -f mixed.yml')).toEqual({ code: 1, out: [...expected, 'invalid: 3 problems in 1 of 1 files'], err: [] });
    expect(await cli('alerts apply -f mixed.yml')).toEqual({ code: 1, out: [...expected, 'refused: 3 problems; nothing was changed'], err: [] });
    expect((await direct.query('SELECT key, updated_at FROM alerts ORDER BY key')).rows).toEqual(before.rows);
    expect(await count('alert_versions')).toBe(versions);
  });

  it("refuses a file that sets what Lookout keeps between runs (the incident's threads, what its first messages show), and stores none of it", async () => {
    // An author who could write `drawn` could make Lookout rewrite a message of another thread as
    // the alert's own, or never ask Slack whose it is; `threads` could point replies anywhere.
    writeFileSync(
      join(dir, 'runtime.yml'),
      [
        'alerts:',
        '  - key: runtime-report',
        '    name: Runtime report',
        '    type: report',
        '    dataSource: shop',
        '    sql: SELECT 1',
        '    schedule: { cron: "0 9 * * *", timezone: UTC }',
        '    recipients: [{ kind: slack_channel, id: C0SHOPOPS }]',
        '    threads: { "channel:C0SHOPOPS": "C0OTHER01:1.2" }',
        '    drawn: { "channel:C0SHOPOPS": "C0OTHER01:1.2|own|" }',
        '    firingSince: 2026-01-01T00:00:00Z',
        '',
      ].join('\n'),
    );
    const result = await cli('alerts apply -f runtime.yml');
    expect(result.code).toBe(1);
    for (const field of ['threads', 'drawn', 'firingSince']) expect(result.out.join('\n')).toMatch(new RegExp(`^runtime\\.yml:\\d+:\\d+: .*${field}`, 'm'));
    expect(result.out.at(-1)).toMatch(/nothing was changed$/);
    expect(await count("alerts WHERE key = 'runtime-report'")).toBe(0);
    expect(await count("alerts WHERE drawn <> '{}'::jsonb OR threads <> '{}'::jsonb")).toBe(0);
  });

  it('refuses an alert another file manages', async () => {
    writeFileSync(join(dir, 'thief.yml'), readFileSync(join(dir, 'alerts/ops/freshness.yml'), 'utf8'));
    const result = await cli('alerts apply -f thief.yml');
    expect(result.code).toBe(1);
    expect(result.out[0]).toBe('thief.yml:3:10: alerts[0] key: the alert “Orders are fresh” with this key is managed in code by alerts/ops/freshness.yml; change it there, or use another key');
  });

  it('moves an alert from one file to another applied with it', async () => {
    const sales = join(dir, 'alerts/sales.yml');
    const original = readFileSync(sales, 'utf8');
    const pendingAt = original.indexOf('  - key: pending-orders');
    writeFileSync(sales, original.slice(0, pendingAt));
    writeFileSync(join(dir, 'alerts/pending.yml'), `alerts:\n${original.slice(pendingAt)}`);
    expect((await cli('alerts apply -f alerts --prune')).out).toEqual([
      '~ pending-orders (“Pending orders”) changed: managedBy',
      'apply: 0 created, 1 changed, 0 deleted, 2 unchanged',
    ]);
    expect((await direct.query("SELECT managed_by FROM alerts WHERE key = 'pending-orders'")).rows).toEqual([{ managed_by: 'alerts/pending.yml' }]);
    // Given alone, the other file still manages it: refused.
    writeFileSync(join(dir, 'alerts/pending.yml'), 'alerts: []\n');
    writeFileSync(sales, original);
    expect((await cli('alerts apply -f alerts/sales.yml')).code).toBe(1);
    expect((await cli('alerts apply -f alerts')).out).toEqual(['~ pending-orders (“Pending orders”) changed: managedBy', 'apply: 0 created, 1 changed, 0 deleted, 2 unchanged']);
    rmSync(join(dir, 'alerts/pending.yml'));
  });

  it('exports a file that an empty store takes back, and that exports the same again', async () => {
    const first = await cli('alerts export -o exported.yml');
    expect(first).toEqual({ code: 0, out: [], err: ['exported 3 alerts to exported.yml'] });
    const text = readFileSync(join(dir, 'exported.yml'), 'utf8');
    expect(await cli('alerts apply -f exported.yml', empty)).toMatchObject({ code: 0 });
    expect(await cli('alerts apply -f exported.yml', empty)).toMatchObject({ code: 0, out: ['apply: 0 created, 0 changed, 0 deleted, 3 unchanged'] });
    await cli('alerts export -o again.yml', empty);
    expect(readFileSync(join(dir, 'again.yml'), 'utf8')).toBe(text);
    expect((await cli('alerts export --key orders-fresh --type alert')).out.join('\n')).toMatch(/^# Lookout alerts.*\nalerts:\n {2}- key: orders-fresh\n/);
  });

  it('exits 2 for usage, an identity that is no admin, a file that is not there, and a store it cannot reach', async () => {
    expect(await cli('alerts apply')).toMatchObject({ code: 2, err: ['lookout: apply needs -f <file or directory>', 'Try: lookout alerts --help'] });
    expect(await cli('alerts diff -f alerts --as U0ALICE01')).toMatchObject({ code: 2, err: [expect.stringContaining('U0ALICE01 is not a Lookout admin')] });
    expect(await cli('alerts apply -f missing.yml')).toMatchObject({ code: 2, err: ['lookout: missing.yml: no such file or directory'] });
    const nowhere = { url: 'postgres://postgres@127.0.0.1:1/none', name: 'none', drop: async () => undefined };
    // (Under Jest's module VM the driver's error is not an Error of this realm, so its words do not show.)
    expect(await cli('alerts export', nowhere)).toMatchObject({ code: 2, err: [expect.stringMatching(/^lookout: DATABASE_URL: cannot open the store: Lookout's database could not prepare its tables/)] });
  });

  it('runs as `lookout` through its bin launcher, with the exit code CI reads', async () => {
    const bin = new URL('../../../bin/lookout.js', import.meta.url).pathname;
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin, 'alerts', 'validate', '-f', 'alerts'], { cwd: dir, env: { ...process.env, LOOKOUT_CONFIG: join(dir, 'lookout.config.yml') } });
    expect(ok.stdout).toBe('valid: 3 alerts in 2 files\n');
    const bad = await run(process.execPath, [bin, 'alerts', 'validate', '-f', 'mixed.yml'], { cwd: dir, env: { ...process.env, LOOKOUT_CONFIG: join(dir, 'lookout.config.yml') } }).then(() => ({ code: 0, stdout: '' }), (err: { code: number; stdout: string }) => err);
    expect([bad.code, bad.stdout.split('\n').at(-2)]).toEqual([1, 'invalid: 3 problems in 1 of 1 files']);
  });
});
