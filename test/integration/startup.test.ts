// Start-up with a bad setting: one line naming it, exit code 1, no stack trace.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  return { status: result.status, lines: result.stderr.trim().split('\n').filter(Boolean), dir };
}

describe('start-up errors', () => {
  it('a DATABASE_URL that is not PostgreSQL', () => {
    const { status, lines } = start({ DATABASE_URL: 'mysql://root@127.0.0.1/test' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lookout: cannot start: DATABASE_URL: must start with postgres:\/\//);
  });

  it('a DATABASE_URL nothing answers on, without echoing its password', () => {
    const { status, lines } = start({ DATABASE_URL: 'postgres://lookout:s3cret@127.0.0.1:1/lookout' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL: cannot open the store');
    expect(lines[0]).not.toContain('s3cret');
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
    const { status, lines } = start({ MONGODB_URL: 'mongodb://lookout:s3cret@127.0.0.1:1/lookout' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lookout: cannot start: MONGODB_URL: cannot open the store: /);
    expect(lines[0]).not.toContain('s3cret');
  });

  it('both DATABASE_URL and MONGODB_URL', () => {
    const { status, lines } = start({ DATABASE_URL: 'postgres://x@127.0.0.1/x', MONGODB_URL: 'mongodb://127.0.0.1' });
    expect(status).toBe(1);
    expect(lines).toEqual(['lookout: cannot start: MONGODB_URL: set DATABASE_URL or MONGODB_URL, not both']);
  });
});
