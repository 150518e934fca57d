// What `npm start` says before and after start-up: one line per part, what runs and what is
// missing with the setting that adds it, and never a credential.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceConfig, loadConfig, makeConfig, type Config } from '../../src/config.js';
import { startingLine, startupSummary, type StartupLine } from '../../src/startup-summary.js';

const CWD = '/srv/lookout';
/** A DuckDB source's directory must exist. */
const exportsDir = realpathSync(mkdtempSync(join(tmpdir(), 'lookout-summary-')));
const nothing = (): Config => loadConfig({}, CWD);
const byPart = (lines: StartupLine[]) => Object.fromEntries(lines.map((l) => [l.part, l]));

describe('the line before the store starts', () => {
  it('the embedded store, first start: where, and that it takes ~30 s', () => {
    expect(startingLine(nothing(), { cwd: CWD, firstStart: true })).toBe(
      'Starting the embedded store (PGlite) in ./data: the first start creates it and takes ~30 s…',
    );
  });

  it('the embedded store again: where, without the first start\'s wait', () => {
    expect(startingLine(nothing(), { cwd: CWD, firstStart: false })).toBe('Starting the embedded store (PGlite) in ./data…');
  });

  it('a data directory outside the working directory is shown whole', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/lookout' }, CWD);
    expect(startingLine(config, { cwd: CWD, firstStart: false })).toContain('in /var/lib/lookout…');
  });

  it('PostgreSQL: host and database, never the password', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://lookout:s3cret@db.internal:5432/alerts?sslmode=require&password=x' }, CWD);
    const line = startingLine(config, { cwd: CWD, firstStart: false });
    expect(line).toBe('Connecting to the store: PostgreSQL on db.internal:5432, database alerts…');
  });

  it('MongoDB with several hosts: hosts and database, never the password', () => {
    const config = loadConfig({ MONGODB_URL: 'mongodb://lookout:s3cret@db1:27017,db2:27017/alerts?authSource=admin' }, CWD);
    expect(startingLine(config, { cwd: CWD, firstStart: false })).toBe('Connecting to the store: MongoDB on db1:27017,db2:27017, database alerts…');
  });
});

describe('the summary once started', () => {
  it('nothing configured: every missing part names the setting that adds it', () => {
    const lines = startupSummary(nothing(), { cwd: CWD, httpPort: null });
    expect(lines.map((l) => l.text)).toEqual([
      'Store: embedded PGlite in ./data (for several instances, set DATABASE_URL or MONGODB_URL to a shared server)',
      'Slack: not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (manifest.yml) — no /alert command, and messages are written to the log instead',
      'Email: off: set SMTP_URL (and EMAIL_FROM) to send to email recipients, email fallback and owner notices',
      'Data sources: none: add dataSources to lookout.config.yml (see lookout.config.example.yml)',
      'Screenshots: off: list the hosts the browser may open under screenshots.allowedHosts in lookout.config.yml',
      'Admins: none: set ADMIN_USER_IDS (Slack user ids, comma-separated) or admins in lookout.config.yml',
      'HTTP: off: set HTTP_PORT for /healthz and /metrics',
    ]);
    expect(lines.map((l) => [l.part, l.configured])).toEqual([
      ['store', true],
      ['slack', false],
      ['email', false],
      ['dataSources', false],
      ['screenshots', false],
      ['admins', false],
      ['http', false],
    ]);
  });

  it('everything configured: what each part runs on', () => {
    const config = makeConfig({
      store: { kind: 'postgres', url: 'postgresql://lookout:s3cret@db.internal/alerts' },
      dataSources: [
        dataSourceConfig({ name: 'warehouse', kind: 'postgres', url: 'postgres://reader:hunter2@wh.internal:5432/analytics' }),
        dataSourceConfig({ name: 'shop', kind: 'mysql', url: 'mysql://reader:hunter2@shop.internal/shop' }),
        dataSourceConfig({ name: 'sample', kind: 'sqlite', path: '/srv/lookout/sample.sqlite' }),
        dataSourceConfig({ name: 'files', kind: 'duckdb', allowedDirs: [exportsDir] }),
      ],
      scheduler: { shards: 16, concurrency: 64, instance: 'a' },
      admins: ['U0ADMIN1', 'U0ADMIN2'],
      slack: { botToken: 'xoxb-secret-bot', appToken: 'xapp-secret-app', apiUrl: undefined },
      email: { smtpUrl: 'smtps://mailer:mailpass@mail.example.com:465', from: 'Lookout <lookout@example.com>' },
      screenshots: { allowedHosts: ['grafana.internal', '*.dash.example.com'], allowLoopback: false, auth: {}, chromiumPath: '/usr/bin/chromium', concurrency: 2 },
    });
    const lines = byPart(startupSummary(config, { cwd: CWD, httpPort: 9464, chromiumFound: true }));
    expect(lines.store?.text).toBe('Store: PostgreSQL on db.internal, database alerts');
    expect(lines.slack?.text).toBe('Slack: connected via Socket Mode');
    expect(lines.email?.text).toBe('Email: SMTP via mail.example.com:465 (TLS), from Lookout <lookout@example.com>');
    expect(lines.dataSources?.text).toBe(
      `Data sources: warehouse (PostgreSQL), shop (MySQL/MariaDB), sample (SQLite), files (DuckDB on the files in ${exportsDir}, no database users)`,
    );
    expect(lines.screenshots?.text).toBe('Screenshots: of grafana.internal, *.dash.example.com');
    expect(lines.admins?.text).toBe('Admins: U0ADMIN1, U0ADMIN2');
    expect(lines.http?.text).toBe('HTTP: /healthz and /metrics on port 9464');
    expect(Object.values(lines).every((l) => l.configured)).toBe(true);
    const all = JSON.stringify(lines);
    for (const secret of ['s3cret', 'hunter2', 'xoxb', 'xapp', 'mailpass', 'reader', 'mailer']) expect(all).not.toContain(secret);
  });

  it('a PostgreSQL URL with a password: host and database only, never the user, password or query', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://lookout:p%40ss@127.0.0.1:6543/look%20out?password=other&sslmode=require' }, CWD);
    const text = byPart(startupSummary(config, { cwd: CWD, httpPort: null })).store?.text;
    expect(text).toBe('Store: PostgreSQL on 127.0.0.1:6543, database look out');
    expect(text).not.toMatch(/lookout|p%40ss|p@ss|other|sslmode/);
  });

  it('a PostgreSQL Unix socket is shown as its directory', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://lookout:pw@/alerts?host=/run/postgresql' }, CWD);
    expect(byPart(startupSummary(config, { cwd: CWD, httpPort: null })).store?.text).toBe('Store: PostgreSQL on /run/postgresql, database alerts');
  });

  it('MongoDB SRV: the cluster and database, never the password', () => {
    const config = loadConfig({ MONGODB_URL: 'mongodb+srv://lookout:s3cret@cluster0.example.net/alerts?retryWrites=true' }, CWD);
    const text = byPart(startupSummary(config, { cwd: CWD, httpPort: null })).store?.text;
    expect(text).toBe('Store: MongoDB on cluster0.example.net (SRV), database alerts');
  });

  it('a password holding "@" or "/" is never taken for a host', () => {
    const pg = loadConfig({ DATABASE_URL: 'postgres://lookout:p@ss/w@db.internal/alerts' }, CWD);
    expect(byPart(startupSummary(pg, { cwd: CWD, httpPort: null })).store?.text).toBe('Store: PostgreSQL on db.internal, database alerts');
    const mongo = loadConfig({ MONGODB_URL: 'mongodb://lookout:p@ss@db1:27017/alerts' }, CWD);
    expect(byPart(startupSummary(mongo, { cwd: CWD, httpPort: null })).store?.text).toBe('Store: MongoDB on db1:27017, database alerts');
    const smtp = loadConfig({ SMTP_URL: 'smtp://mailer:123/x@mail.example.com:587' }, CWD);
    expect(byPart(startupSummary(smtp, { cwd: CWD, httpPort: null })).email?.text).toBe('Email: SMTP via mail.example.com:587, from Lookout <lookout@localhost>');
  });

  it('Slack on through SLACK_API_URL: the address without its credentials', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: 'http://u:pw@127.0.0.1:3000/api/' }, CWD);
    const slack = byPart(startupSummary(config, { cwd: CWD, httpPort: null })).slack;
    expect(slack).toEqual({ part: 'slack', configured: true, text: 'Slack: connected via Socket Mode (Web API at http://127.0.0.1:3000/api/)' });
  });

  it('Slack off but email on: Slack recipients fail, email still goes (not "written to the log")', () => {
    const config = loadConfig({ SMTP_URL: 'smtp://user:pw@mail.example.com:587' }, CWD);
    const lines = byPart(startupSummary(config, { cwd: CWD, httpPort: null }));
    expect(lines.slack?.text).toBe(
      'Slack: not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (manifest.yml) — no /alert command, and messages to Slack recipients fail (email still goes)',
    );
    expect(lines.email?.text).toBe('Email: SMTP via mail.example.com:587, from Lookout <lookout@localhost>');
  });

  it('no data sources, however much else is set', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ADMIN_USER_IDS: 'U1', HTTP_PORT: '8080' }, CWD);
    const lines = byPart(startupSummary(config, { cwd: CWD, httpPort: 8080 }));
    expect(lines.dataSources).toEqual({
      part: 'dataSources',
      configured: false,
      text: 'Data sources: none: add dataSources to lookout.config.yml (see lookout.config.example.yml)',
    });
    expect(lines.slack?.configured).toBe(true);
  });

  it('screenshots on without a browser: says where it looked and what to set', () => {
    const config = makeConfig({
      store: { kind: 'pglite', dataDir: '/srv/lookout/data' },
      dataSources: [],
      scheduler: { shards: 1, concurrency: 1, instance: 'a' },
      screenshots: { allowedHosts: ['127.0.0.1'], allowLoopback: true, auth: {}, chromiumPath: '/opt/chrome', concurrency: 1 },
    });
    expect(byPart(startupSummary(config, { cwd: CWD, httpPort: null, chromiumFound: false })).screenshots?.text).toBe(
      'Screenshots: of 127.0.0.1, loopback allowed; but no browser at /opt/chrome: install chromium or set CHROMIUM_PATH',
    );
  });

  it('HTTP_PORT=0: the port the OS picked', () => {
    const config = loadConfig({ HTTP_PORT: '0' }, CWD);
    expect(byPart(startupSummary(config, { cwd: CWD, httpPort: 41234 })).http?.text).toBe('HTTP: /healthz and /metrics on port 41234');
  });
});
