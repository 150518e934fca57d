// Start-up as `npm start` runs it, in an empty folder as on a fresh host. With a bad setting:
// one line naming it, exit code 1, no stack trace. With nothing configured: it says at once that
// it starts the embedded store, then what Lookout runs on and what is missing; off a terminal
// (as here: stdout is a pipe) every line is JSON.
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function start(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-start-'));
  // The tsx CLI by absolute path: the process runs in an empty folder, as on a fresh host.
  const tsx = join(process.cwd(), 'node_modules/tsx/dist/cli.mjs');
  const result = spawnSync(process.execPath, [tsx, join(process.cwd(), 'src/main.ts')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: join(dir, 'data'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, lines: result.stderr.trim().split('\n').filter(Boolean), stdout: result.stdout, dir };
}

describe('start-up errors', () => {
  it('a DATABASE_URL that is not PostgreSQL', () => {
    const { status, lines } = start({ DATABASE_URL: 'mysql://root@127.0.0.1/test' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lookout: cannot start: DATABASE_URL: must start with postgres:\/\//);
  });

  it('a DATABASE_URL nothing answers on, without echoing its password', () => {
    const { status, lines, stdout } = start({ DATABASE_URL: 'postgres://lookout:s3cret@127.0.0.1:1/lookout' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL: cannot open the store');
    expect(lines[0]).not.toContain('s3cret');
    // What it was connecting to was said first, by host and database only.
    expect(stdout).toContain('Connecting to the store: PostgreSQL on 127.0.0.1:1, database lookout');
    expect(stdout).not.toContain('s3cret');
  });

  it('a data source without its url', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-conf-'));
    const file = join(dir, 'lookout.config.yml');
    writeFileSync(file, 'dataSources:\n  - name: warehouse\n    kind: postgres\n');
    const { status, lines } = start({ LOOKOUT_CONFIG: file });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('dataSources[0].url');
  });

  it('a MONGODB_URL nothing answers on, without echoing its password', () => {
    // The store gives up after its 5 s server selection.
    const { status, lines, stdout } = start({ MONGODB_URL: 'mongodb://lookout:s3cret@127.0.0.1:1/lookout' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lookout: cannot start: MONGODB_URL: cannot open the store: /);
    expect(lines[0]).not.toContain('s3cret');
    expect(stdout).toContain('Connecting to the store: MongoDB on 127.0.0.1:1, database lookout');
    expect(stdout).not.toContain('s3cret');
  });

  it('both DATABASE_URL and MONGODB_URL', () => {
    const { status, lines } = start({ DATABASE_URL: 'postgres://x@127.0.0.1/x', MONGODB_URL: 'mongodb://127.0.0.1' });
    expect(status).toBe(1);
    expect(lines).toEqual(['lookout: cannot start: MONGODB_URL: set DATABASE_URL or MONGODB_URL, not both']);
  });
});

type LogLine = Record<string, unknown> & { msg?: string };

/**
 * src/main.ts as `npm start` runs it (node with tsx's loader, no wrapper process), in `dir` with
 * stdout a pipe. Every stdout line must be JSON; `waitFor` resolves once a line matches.
 */
function spawnLookout(dir: string, env: Record<string, string>) {
  const loader = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', loader, join(process.cwd(), 'src/main.ts')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const notJson: string[] = [];
  let stderr = '';
  let buffered = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (data: string) => {
    buffered += data;
    const end = buffered.lastIndexOf('\n');
    if (end < 0) return;
    for (const line of buffered.slice(0, end).split('\n').filter((l) => l.trim() !== '')) {
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        notJson.push(line);
      }
    }
    buffered = buffered.slice(end + 1);
    waiters.forEach((w) => w());
  });
  child.stderr.setEncoding('utf8').on('data', (data: string) => (stderr += data));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      waiters.forEach((w) => w());
      resolve(code);
    }),
  );
  const waitFor = (what: string, match: (line: LogLine) => boolean, timeoutMs: number) =>
    new Promise<LogLine>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      const check = () => {
        const found = lines.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`Lookout exited before ${what}; stderr: ${stderr}; last lines: ${JSON.stringify(lines.slice(-5))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no line with ${what} within ${timeoutMs} ms; last lines: ${JSON.stringify(lines.slice(-5))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, lines, notJson, exited, waitFor };
}

describe('start-up with nothing configured', () => {
  it('says at once that it starts the embedded store, then what runs and what is missing, as JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-plain-'));
    const proc = spawnLookout(dir, { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info' });
    try {
      // A first start on an empty folder: PGlite creates its database, ~30 s.
      const starting = await proc.waitFor('the starting line', (l) => (l.msg ?? '').startsWith('Starting the embedded store'), 60_000);
      expect(starting.msg).toBe('Starting the embedded store (PGlite) in ./data: the first start creates it and takes ~30 s…');
      const started = await proc.waitFor('"lookout started"', (l) => l.msg === 'lookout started', 240_000);
      // Said before the store was ready: the first line, and before everything start-up logs.
      expect(proc.lines[0]).toBe(starting);
      expect(proc.lines.indexOf(starting)).toBeLessThan(proc.lines.indexOf(started));

      const slack = await proc.waitFor('the Slack line', (l) => (l.msg ?? '').startsWith('Slack:'), 10_000);
      const sources = await proc.waitFor('the data sources line', (l) => (l.msg ?? '').startsWith('Data sources:'), 10_000);
      const http = await proc.waitFor('the HTTP line (the last)', (l) => (l.msg ?? '').startsWith('HTTP:'), 10_000);
      expect(slack).toMatchObject({
        level: 30,
        startup: { part: 'slack', configured: false },
        msg: 'Slack: not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (manifest.yml) — no /alert command, and messages are written to the log instead',
      });
      expect(sources).toMatchObject({
        startup: { part: 'dataSources', configured: false },
        msg: 'Data sources: none: add dataSources to lookout.config.yml (see lookout.config.example.yml)',
      });
      expect(http.msg).toBe('HTTP: off: set HTTP_PORT for /healthz and /metrics');
      const summary = proc.lines.filter((l) => l.startup !== undefined).map((l) => (l.startup as { part: string }).part);
      expect(summary).toEqual(['store', 'slack', 'email', 'dataSources', 'screenshots', 'admins', 'http']);
      expect(proc.lines.find((l) => (l.msg ?? '').startsWith('Store:'))?.msg).toBe(
        'Store: embedded PGlite in ./data (for several instances, set DATABASE_URL or MONGODB_URL to a shared server)',
      );

      // stdout is a pipe, not a terminal: JSON lines only, each with its level and time.
      expect(proc.notJson).toEqual([]);
      expect(proc.lines.every((l) => typeof l.level === 'number' && typeof l.time === 'number')).toBe(true);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
