// A data source whose database user can do more than read runs no queries, unless its config
// accepts the risk (allowPrivilegedUser), and the admins are told once per source per process.
// Superusers (postgres, root) are used here on purpose: they are the privileged users.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { existsSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { dataSourceConfig, type DataSourceConfig } from '../../src/config.js';
import { createDataSourceCatalog } from '../../src/datasources/catalog.js';
import { parseGrants } from '../../src/datasources/mysql-grants.js';
import { DataSourceError, type DataSourceCatalog, type PrivilegeFinding } from '../../src/datasources/port.js';
import { freePort } from '../support/ports.js';

const PG_HOST = 'postgres://%s@127.0.0.1:5432/test';
const MARIA_HOST = 'mysql://%s@127.0.0.1:3306/test';
const pgUrl = (user: string, port = 5432) => PG_HOST.replace('%s', user).replace('5432', String(port));
const mariaUrl = (user: string) => MARIA_HOST.replace('%s', user);
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const opts = { timeoutMs: 10_000, maxRows: 10 };
const RECHECK_MS = 60_000;

// A PostgreSQL role that may write one table and owns another, and a MariaDB user whose
// default role may insert: privileged without being superusers.
const pgWriter = `lookout_t_writer_${suffix}`;
const pgTables = [`priv_a_${suffix}`, `priv_b_${suffix}`];
const mariaRole = `lookout_t_writers_${suffix}`;
const mariaUser = `lookout_t_ru_${suffix}`;
const pwned = `/tmp/lookout_pwned_${suffix}`;

let pgAdmin: pg.Client;
let mariaAdmin: mysql.Connection;
let catalog: DataSourceCatalog;
let now = new Date('2026-01-01T00:00:00Z');
const onPrivileged = jest.fn<(source: string, findings: PrivilegeFinding[], refused: boolean) => void>();

/** Nothing listens on `port` until `up()`: then it forwards to the local PostgreSQL. */
let downPort = 0;
let forwarder: Server | undefined;
const sockets = new Set<Socket>();
async function up(): Promise<void> {
  forwarder = createServer((client) => {
    const server = connect(5432, '127.0.0.1');
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => forwarder!.listen(downPort, '127.0.0.1', resolve));
}

const source = (name: string, kind: 'postgres' | 'mysql', url: string, extra: object = {}): DataSourceConfig =>
  dataSourceConfig({ name, kind, url, statementTimeoutS: 10, maxRows: 10, poolSize: 1, ...extra } as never);

beforeAll(async () => {
  pgAdmin = new pg.Client({ connectionString: pgUrl('postgres') });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE ROLE ${pgWriter} LOGIN`);
  await pgAdmin.query(`GRANT pg_read_all_data TO ${pgWriter}`);
  for (const table of pgTables) await pgAdmin.query(`CREATE TABLE ${table} (id int)`);
  await pgAdmin.query(`GRANT INSERT ON ${pgTables[0]} TO ${pgWriter}`);
  await pgAdmin.query(`ALTER TABLE ${pgTables[1]} OWNER TO ${pgWriter}`);

  mariaAdmin = await mysql.createConnection({ uri: mariaUrl('root') });
  await mariaAdmin.query(`CREATE ROLE ${mariaRole}`);
  await mariaAdmin.query(`GRANT INSERT ON test.* TO ${mariaRole}`);
  await mariaAdmin.query(`CREATE USER '${mariaUser}'@'127.0.0.1'`);
  await mariaAdmin.query(`GRANT SELECT ON test.* TO '${mariaUser}'@'127.0.0.1'`);
  await mariaAdmin.query(`GRANT ${mariaRole} TO '${mariaUser}'@'127.0.0.1'`);
  await mariaAdmin.query(`SET DEFAULT ROLE ${mariaRole} FOR '${mariaUser}'@'127.0.0.1'`);

  downPort = await freePort();
  catalog = createDataSourceCatalog(
    [
      source('pg-super', 'postgres', pgUrl('postgres')),
      source('maria-root', 'mysql', mariaUrl('root')),
      source('pg-reader', 'postgres', pgUrl('lookout_reader')),
      source('maria-reader', 'mysql', mariaUrl('lookout_reader')),
      source('pg-allowed', 'postgres', pgUrl('postgres'), { allowPrivilegedUser: true }),
      source('maria-allowed', 'mysql', mariaUrl('root'), { allowPrivilegedUser: true }),
      source('pg-writer', 'postgres', pgUrl(pgWriter)),
      source('maria-role', 'mysql', mariaUrl(mariaUser)),
      source('pg-comes-back', 'postgres', pgUrl('postgres', downPort)),
    ],
    { onPrivileged, clock: () => now, recheckMs: RECHECK_MS },
  );
}, 30_000);

afterAll(async () => {
  await catalog?.closeAll();
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (forwarder ? forwarder.close(() => resolve()) : resolve()));
  for (const table of pgTables) await pgAdmin?.query(`DROP TABLE IF EXISTS ${table}`);
  await pgAdmin?.query(`DROP ROLE IF EXISTS ${pgWriter}`);
  await pgAdmin?.end();
  await mariaAdmin?.query(`DROP USER IF EXISTS '${mariaUser}'@'127.0.0.1'`);
  await mariaAdmin?.query(`DROP ROLE IF EXISTS ${mariaRole}`);
  await mariaAdmin?.end();
}, 30_000);

async function refusal(name: string, sql = 'SELECT 1 AS one'): Promise<DataSourceError> {
  const error = await catalog.get(name)!.query(sql, opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DataSourceError);
  return error as DataSourceError;
}

const callsFor = (name: string) => onPrivileged.mock.calls.filter(([source]) => source === name);

describe('a privileged database user', () => {
  it('PostgreSQL superuser: COPY TO PROGRAM, pg_read_file and pg_terminate_backend are refused before they run', async () => {
    for (const sql of [
      `COPY (SELECT 1) TO PROGRAM 'touch ${pwned}'`,
      "SELECT pg_read_file('/etc/hostname')",
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = 0',
    ]) {
      const error = await refusal('pg-super', sql);
      expect(error.reason).toBe('privileged');
      expect(error.userMessage).toMatch(/Data source "pg-super" runs no queries: its database user can do more than read: superuser \(can do anything/);
      expect(error.userMessage).toMatch(/read-only database user.*README.*allowPrivilegedUser: true/);
    }
    expect(existsSync(pwned)).toBe(false);
    expect(callsFor('pg-super')).toHaveLength(1);
    expect(callsFor('pg-super')[0]?.[2]).toBe(true);
    expect(await catalog.privileges('pg-super')).toMatchObject({ refused: true, findings: expect.arrayContaining([expect.objectContaining({ privilege: 'superuser' })]) });
  });

  it('MariaDB root: refused, naming ALL PRIVILEGES and FILE-level powers', async () => {
    const first = await refusal('maria-root', "SELECT LOAD_FILE('/etc/hostname')");
    expect(first.reason).toBe('privileged');
    expect(first.userMessage).toMatch(/Data source "maria-root" runs no queries: .*ALL PRIVILEGES on \*\.\*/);
    expect((await refusal('maria-root')).reason).toBe('privileged');
    expect(callsFor('maria-root')).toHaveLength(1);
  });

  it('a PostgreSQL role that may INSERT into one table and owns another: refused, naming both', async () => {
    const error = await refusal('pg-writer');
    expect(error.reason).toBe('privileged');
    expect(error.userMessage).toContain(`INSERT, UPDATE, DELETE or TRUNCATE on 1 table (${pgTables[0]})`);
    expect(error.userMessage).toContain(`owner of 1 table (${pgTables[1]})`);
  });

  it('a MariaDB user whose default role may INSERT: refused, naming the role\'s grant', async () => {
    const error = await refusal('maria-role');
    expect(error.reason).toBe('privileged');
    expect(error.userMessage).toContain('INSERT on `test`.*');
  });

  it('the verdict is kept for a while, then checked again: a user made read-only runs', async () => {
    await pgAdmin.query(`REVOKE INSERT ON ${pgTables[0]} FROM ${pgWriter}`);
    await pgAdmin.query(`ALTER TABLE ${pgTables[1]} OWNER TO postgres`);
    expect((await refusal('pg-writer')).reason).toBe('privileged'); // the kept verdict
    now = new Date(now.getTime() + RECHECK_MS + 1);
    expect((await catalog.get('pg-writer')!.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
    expect(await catalog.privileges('pg-writer')).toMatchObject({ refused: false, findings: [] });
    expect(callsFor('pg-writer')).toHaveLength(1);
  });
});

describe('a read-only database user', () => {
  it.each(['pg-reader', 'maria-reader'])('%s runs queries, and nobody is told anything', async (name) => {
    expect((await catalog.get(name)!.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
    expect(await catalog.privileges(name)).toMatchObject({ refused: false, findings: [] });
    expect(callsFor(name)).toHaveLength(0);
  });
});

describe('allowPrivilegedUser: true', () => {
  it.each(['pg-allowed', 'maria-allowed'])('%s runs queries; the findings are reported once, as not refused', async (name) => {
    for (let i = 0; i < 2; i++) expect((await catalog.get(name)!.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
    const verdict = await catalog.privileges(name);
    expect(verdict?.refused).toBe(false);
    expect(verdict?.findings.length).toBeGreaterThan(0);
    expect(callsFor(name)).toEqual([[name, verdict?.findings, false]]);
  });
});

describe('a source that is down', () => {
  it('is checked when it comes back', async () => {
    await expect(catalog.checkAll()).resolves.toBeUndefined(); // a source that is down does not fail start-up
    const down = await refusal('pg-comes-back');
    expect(down.reason).toBe('network');
    await expect(catalog.privileges('pg-comes-back')).rejects.toMatchObject({ reason: 'network' });
    expect(callsFor('pg-comes-back')).toHaveLength(0);

    await up();
    expect((await refusal('pg-comes-back')).reason).toBe('privileged');
    expect(callsFor('pg-comes-back')).toHaveLength(1);
  });

  it('the doctor can still ask whether a refused source answers', async () => {
    await expect(catalog.get('pg-super')!.ping(5_000)).resolves.toBeUndefined();
  });
});

describe('reading SHOW GRANTS', () => {
  it.each([
    ['a reader', ['GRANT USAGE ON *.* TO `r`@`%`', 'GRANT SELECT, SHOW VIEW ON `shop`.* TO `r`@`%`'], [], []],
    ['root', ['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION'], ['ALL PRIVILEGES on *.*', 'GRANT OPTION on *.*'], []],
    ['FILE and SUPER', ['GRANT FILE, SUPER ON *.* TO `u`@`%`'], ['FILE on *.*', 'SUPER on *.*'], []],
    ['column-level writes', ['GRANT SELECT, INSERT (`a`, `b ON c`), UPDATE (`a`) ON `shop`.`orders` TO `u`@`%`'], ['INSERT on `shop`.`orders`', 'UPDATE on `shop`.`orders`'], []],
    ['a MySQL 8 dynamic privilege', ['GRANT SELECT ON *.* TO `u`@`%`', 'GRANT BACKUP_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `u`@`%`'], ['BACKUP_ADMIN on *.*', 'SYSTEM_VARIABLES_ADMIN on *.*'], []],
    ['roles', ['GRANT `analyst` TO `u`@`%`', 'GRANT `a`@`%`,`b`@`%` TO `u`@`%`', 'SET DEFAULT ROLE `analyst` FOR `u`@`%`'], [], ['`analyst`', '`a`@`%`', '`b`@`%`']],
    ['a routine', ['GRANT EXECUTE, ALTER ROUTINE ON PROCEDURE `shop`.`p` TO `u`@`%`'], ['ALTER ROUTINE on PROCEDURE `shop`.`p`'], []],
  ])('%s', (_, lines, privileges, roles) => {
    const parsed = parseGrants(lines);
    expect(parsed.findings.map((f) => f.privilege)).toEqual(privileges);
    expect(parsed.roles).toEqual(roles);
  });
});
