import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceConfig, loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('loadConfig', () => {
  it('defaults to the embedded store', () => {
    const config = loadConfig({}, '/tmp');
    expect(config.store).toEqual({ kind: 'pglite', dataDir: '/tmp/data' });
  });
  it('names a bad DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' }, '/tmp')).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'mysql://x' }, '/tmp');
    } catch (err) {
      expect((err as ConfigError).setting).toBe('DATABASE_URL');
    }
  });
});

describe('store selection', () => {
  it('MONGODB_URL chooses the MongoDB store', () => {
    const url = 'mongodb+srv://lookout:pw@cluster0.example.net/lookout?retryWrites=true';
    expect(loadConfig({ MONGODB_URL: url }, '/tmp').store).toEqual({ kind: 'mongo', url });
    expect(loadConfig({ MONGODB_URL: 'mongodb://db1:27017,db2:27017/alerts' }, '/tmp').store).toEqual({
      kind: 'mongo',
      url: 'mongodb://db1:27017,db2:27017/alerts',
    });
  });
  it('DATABASE_URL chooses PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/lookout' }, '/tmp').store).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db/lookout',
    });
  });
  it('refuses both DATABASE_URL and MONGODB_URL, naming them', () => {
    const both = () => loadConfig({ DATABASE_URL: 'postgres://u@db/lookout', MONGODB_URL: 'mongodb://db/lookout' }, '/tmp');
    expect(both).toThrow(ConfigError);
    expect(both).toThrow('MONGODB_URL: set DATABASE_URL or MONGODB_URL, not both');
  });
  it('refuses a MONGODB_URL that names no database (the driver would use "test")', () => {
    for (const url of ['mongodb://db.example.com:27017', 'mongodb://db.example.com:27017/', 'mongodb://db/?tls=true']) {
      expect(() => loadConfig({ MONGODB_URL: url }, '/tmp')).toThrow(/^MONGODB_URL: name the database in its path/);
    }
  });
  it('refuses a MONGODB_URL that is not mongodb://', () => {
    expect(() => loadConfig({ MONGODB_URL: 'postgres://db/lookout' }, '/tmp')).toThrow(/^MONGODB_URL: must start with mongodb:\/\//);
  });
});

describe('Slack settings', () => {
  it('needs both tokens or neither, naming the missing one', () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }, '/tmp');
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as ConfigError).setting).toBe('SLACK_APP_TOKEN');
    }
  });
  it('refuses a user token where a bot token belongs', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxp-1', SLACK_APP_TOKEN: 'xapp-1' }, '/tmp')).toThrow(/SLACK_BOT_TOKEN/);
  });
  it('ends SLACK_API_URL with a slash so method names join onto it', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: 'http://127.0.0.1:9/api' }, '/tmp');
    expect(config.slack).toEqual({ botToken: 'xoxb-1', appToken: 'xapp-1', apiUrl: 'http://127.0.0.1:9/api/' });
  });
  it('without tokens Slack is off', () => {
    expect(loadConfig({}, '/tmp').slack).toBeNull();
  });
});

describe('content and email settings', () => {
  it('email is off without SMTP_URL, on with it', () => {
    expect(loadConfig({}, '/tmp').email).toBeNull();
    expect(loadConfig({ SMTP_URL: 'smtp://u:p@mail.example.com:587', EMAIL_FROM: 'Ops <ops@example.com>' }, '/tmp').email).toEqual({
      smtpUrl: 'smtp://u:p@mail.example.com:587',
      from: 'Ops <ops@example.com>',
    });
  });
  it('names a SMTP_URL that is not smtp:// or smtps://', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail' }, '/tmp')).toThrow(/SMTP_URL/);
  });
  it('reads screenshot hosts, loopback and per-host credentials from the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    writeFileSync(
      join(dir, 'lookout.config.yml'),
      'screenshots:\n  allowedHosts: ["*.example.com"]\n  auth:\n    grafana.example.com:\n      headers: { Authorization: "Bearer ${GRAFANA_TOKEN}" }\n',
    );
    const config = loadConfig({ GRAFANA_TOKEN: 't0k', CHROMIUM_PATH: '/opt/chrome', CAPTURE_CONCURRENCY: '3' }, dir);
    expect(config.screenshots).toEqual({
      allowedHosts: ['*.example.com'],
      allowLoopback: false,
      auth: { 'grafana.example.com': { headers: { Authorization: 'Bearer t0k' }, cookies: [], allowedUsers: [] } },
      chromiumPath: '/opt/chrome',
      concurrency: 3,
    });
  });
});

describe('the dispatch lead', () => {
  it('claims ticks 5 s before the minute by default; 0 turns it off', () => {
    expect(loadConfig({}, '/tmp').scheduler.leadS).toBe(5);
    expect(loadConfig({ DISPATCH_LEAD_S: '0' }, '/tmp').scheduler.leadS).toBe(0);
  });
  it.each(['31', '-1', '2.5', 'soon'])('names DISPATCH_LEAD_S=%s as the bad setting', (value) => {
    expect(() => loadConfig({ DISPATCH_LEAD_S: value }, '/tmp')).toThrow(expect.objectContaining({ setting: 'DISPATCH_LEAD_S' }));
  });
});

describe('evaluation slots and result memory', () => {
  it('runs 128 evaluations at once holding at most 1 GiB of results by default', () => {
    const { scheduler } = loadConfig({}, '/tmp');
    expect(scheduler.concurrency).toBe(128);
    expect(scheduler.resultMemoryMb).toBe(1024);
    expect(loadConfig({ EVAL_RESULT_MEMORY_MB: '256', EVAL_CONCURRENCY: '32' }, '/tmp').scheduler).toMatchObject({ resultMemoryMb: 256, concurrency: 32 });
  });
  it.each(['15', '0', '1.5', 'lots'])('names EVAL_RESULT_MEMORY_MB=%s as the bad setting', (value) => {
    expect(() => loadConfig({ EVAL_RESULT_MEMORY_MB: value }, '/tmp')).toThrow(expect.objectContaining({ setting: 'EVAL_RESULT_MEMORY_MB' }));
  });
});

describe('the operations port', () => {
  it('is off without HTTP_PORT and on the port given with it', () => {
    expect(loadConfig({}, '/tmp').http).toBeNull();
    expect(loadConfig({ HTTP_PORT: '9090' }, '/tmp').http).toEqual({ port: 9090 });
  });
  it.each(['http', '-1', '70000', '80.5'])('names HTTP_PORT=%s as the bad setting', (value) => {
    expect(() => loadConfig({ HTTP_PORT: value }, '/tmp')).toThrow(expect.objectContaining({ setting: 'HTTP_PORT' }));
  });
});

describe('data sources', () => {
  const write = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    writeFileSync(join(dir, 'lookout.config.yml'), yaml);
    return dir;
  };

  it('gives each source byte caps and refuses privileged users by default', () => {
    const dir = write('dataSources:\n  - { name: w, kind: postgres, url: "postgres://reader@db:5432/w" }\n');
    expect(loadConfig({}, dir).dataSources[0]).toMatchObject({
      maxCellBytes: 1024 * 1024,
      maxResultBytes: 16 * 1024 * 1024,
      allowPrivilegedUser: false,
    });
  });

  it.each([
    ['postgres', 'mysql://reader@db/w'],
    ['postgres', 'db.internal:5432'],
    ['postgres', 'postgres:///w'],
    ['mysql', 'postgres://reader@db/w'],
    ['mysql', 'not a url'],
  ])('names a %s url that is not a URL of its engine (%s)', (kind, url) => {
    const dir = write(`dataSources:\n  - { name: w, kind: ${kind}, url: "${url}" }\n`);
    expect(() => loadConfig({}, dir)).toThrow(/dataSources\[0\]\.url: must be a URL such as/);
  });

  it.each([
    ['postgres', 'postgresql://reader@db/w'],
    ['mysql', 'mariadb://reader@db:3306/w'],
    ['postgres', 'postgres:///w?host=/run/postgresql'],
  ])('takes a %s url with either of its schemes', (kind, url) => {
    const dir = write(`dataSources:\n  - { name: w, kind: ${kind}, url: "${url}" }\n`);
    expect(loadConfig({}, dir).dataSources[0]).toMatchObject({ url });
  });

  it('refuses caps past their bounds and a cell cap over the result cap', () => {
    const tooBig = write('dataSources:\n  - { name: w, kind: sqlite, path: x.db, maxResultBytes: 1073741824 }\n');
    expect(() => loadConfig({}, tooBig)).toThrow(/maxResultBytes/);
    const crossed = write('dataSources:\n  - { name: w, kind: sqlite, path: x.db, maxCellBytes: 2097152, maxResultBytes: 1048576 }\n');
    expect(() => loadConfig({}, crossed)).toThrow(/maxCellBytes must not exceed maxResultBytes/);
  });
});

describe('DuckDB sources', () => {
  const setUp = (yaml: (dir: string) => string) => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lookout-config-duck-')));
    writeFileSync(join(dir, 'lookout.config.yml'), yaml(dir));
    return dir;
  };

  it('takes allowed directories relative to the working directory, symlinks resolved, with DuckDB defaults', () => {
    const dir = setUp(() => 'dataSources:\n  - { name: files, kind: duckdb, allowedDirs: [exports, linked] }\n');
    mkdirSync(join(dir, 'exports'));
    symlinkSync(join(dir, 'exports'), join(dir, 'linked'));
    expect(loadConfig({}, dir).dataSources[0]).toMatchObject({
      kind: 'duckdb',
      allowedDirs: [join(dir, 'exports'), join(dir, 'exports')],
      memoryLimitMiB: 256,
      poolSize: 2,
      maxCellBytes: 1024 * 1024,
    });
  });

  it.each([
    ['a directory that does not exist', (dir: string) => `allowedDirs: ["${dir}/exports", "${dir}/missing"]`, /dataSources\[0\]\.allowedDirs\[1\]: directory .*missing does not exist/],
    ['a file', (dir: string) => `allowedDirs: ["${dir}/lookout.config.yml"]`, /dataSources\[0\]\.allowedDirs\[0\]: .*lookout\.config\.yml is not a directory/],
    ['the whole file system', () => 'allowedDirs: ["/"]', /dataSources\[0\]\.allowedDirs\[0\]: must be a directory of data files, not the whole file system/],
    ['no directory at all', () => 'allowedDirs: []', /dataSources\[0\]\.allowedDirs: list at least one directory/],
    ['a missing allowedDirs', () => 'memoryLimitMiB: 512', /dataSources\[0\]\.allowedDirs: /],
  ])('stops start-up with one line naming the setting: %s', (_, dirs, problem) => {
    const dir = setUp((d) => `dataSources:\n  - { name: files, kind: duckdb, ${dirs(d)} }\n`);
    mkdirSync(join(dir, 'exports'));
    expect(() => loadConfig({}, dir)).toThrow(ConfigError);
    expect(() => loadConfig({}, dir)).toThrow(problem);
  });

  it('checks the directories of a source built in code too', () => {
    expect(() => dataSourceConfig({ name: 'files', kind: 'duckdb', allowedDirs: ['/no/such/lookout/dir'] })).toThrow(
      /dataSources\(files\)\.allowedDirs\[0\]: directory \/no\/such\/lookout\/dir does not exist/,
    );
  });
});

describe('Slack pace and storm control (slack.* in the file)', () => {
  const fileWith = (yaml: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    writeFileSync(join(dir, 'lookout.config.yml'), yaml);
    return dir;
  };

  it('defaults to Slack’s pace of one post a second per channel, 1000 waiting, and a storm past 5 in 60 s', () => {
    expect(loadConfig({}, '/tmp').slackPosts).toEqual({ channelPostsPerS: 1, channelQueueMax: 1000, storm: { threshold: 5, windowS: 60 } });
  });

  it('reads each setting, the storm ones partly given', () => {
    const dir = fileWith('slack:\n  channelPostsPerS: 0.5\n  channelQueueMax: 50\n  storm:\n    threshold: 10\n');
    expect(loadConfig({}, dir).slackPosts).toEqual({ channelPostsPerS: 0.5, channelQueueMax: 50, storm: { threshold: 10, windowS: 60 } });
  });

  it.each([
    ['slack:\n  channelPostsPerS: 0\n', 'slack.channelPostsPerS'],
    ['slack:\n  channelQueueMax: 0\n', 'slack.channelQueueMax'],
    ['slack:\n  storm:\n    threshold: 0\n', 'slack.storm.threshold'],
    ['slack:\n  storm:\n    windowS: 7200\n', 'slack.storm.windowS'],
    ['slack:\n  stormThreshold: 5\n', 'slack'],
  ])('refuses %j, naming %s', (yaml, setting) => {
    const dir = fileWith(yaml);
    expect(() => loadConfig({}, dir)).toThrow(ConfigError);
    expect(() => loadConfig({}, dir)).toThrow(setting);
  });
});

describe('alerts as code (issue 5/6)', () => {
  const withFile = (yaml: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    writeFileSync(join(dir, 'lookout.config.yml'), yaml);
    return dir;
  };

  it('is off by default; alertsDir resolves from where Lookout starts, ALERTS_DIR and ALERTS_ACTOR win over the file', () => {
    expect(loadConfig({}, '/tmp').code).toEqual({ alertsDir: null, actor: null });
    const dir = withFile('admins: [U0ADMIN01, U0ADMIN02]\nalertsActor: U0ADMIN01\nalertsDir: ./alerts\n');
    expect(loadConfig({}, dir).code).toEqual({ alertsDir: join(dir, 'alerts'), actor: 'U0ADMIN01' });
    expect(loadConfig({ ALERTS_DIR: '/srv/alerts', ALERTS_ACTOR: 'U0ADMIN02' }, dir).code).toEqual({ alertsDir: '/srv/alerts', actor: 'U0ADMIN02' });
  });

  it('the actor must be an admin, and alertsDir needs one', () => {
    expect(() => loadConfig({}, withFile('admins: [U0ADMIN01]\nalertsActor: U0ALICE01\n'))).toThrow(expect.objectContaining({ setting: 'alertsActor' }));
    expect(() => loadConfig({ ADMIN_USER_IDS: 'U0ADMIN01', ALERTS_ACTOR: 'U0BOB0001' }, '/tmp')).toThrow(expect.objectContaining({ setting: 'ALERTS_ACTOR' }));
    expect(() => loadConfig({ ALERTS_DIR: './alerts' }, '/tmp')).toThrow(expect.objectContaining({ setting: 'ALERTS_DIR', message: expect.stringMatching(/needs alertsActor/) }));
    expect(() => loadConfig({}, withFile('alertsActor: alice\n'))).toThrow(/must be a Slack user id/);
  });
});
