// Parts Lookout depends on failing under it, as main.ts builds it (Slack via the simulator):
// a data source that is down fails its own alert only; Chromium killed mid-capture costs that
// alert its screenshot, not its message, and the next capture works; SMTP down fails the email
// recipient only.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert, Execution } from '../../src/domain/types.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { ALERTS, ALICE, blocksText, startE2e, type E2e } from '../e2e/support/e2e.js';
import { dataSourceConfig } from '../../src/config.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/ports.js';

let e2e: E2e;
let smtp: SmtpSink;
let dashboard: DashboardServer;

beforeAll(async () => {
  smtp = await startSmtpSink();
  dashboard = await startDashboardServer();
  const closed = await freePort();
  e2e = await startE2e({
    extraSources: [
      // Nothing listens there: the database is down.
      dataSourceConfig({ name: 'warehouse', kind: 'postgres', url: `postgres://lookout@127.0.0.1:${closed}/warehouse`, statementTimeoutS: 10, maxRows: 100, poolSize: 2 }),
    ],
    configure: (config) => ({
      ...config,
      email: { smtpUrl: smtp.url, from: 'Lookout <lookout@example.com>' },
      screenshots: { ...config.screenshots, allowedHosts: ['127.0.0.1'], allowLoopback: true },
    }),
  });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
  await dashboard?.close();
  await smtp?.close();
}, 60_000);

async function alert(name: string, fields: Record<string, unknown>): Promise<Alert> {
  return e2e.lookout.service.create(
    { userId: ALICE },
    {
      name,
      owners: [ALICE],
      type: 'report',
      dataSource: 'sample',
      sql: 'SELECT 1 AS one',
      condition: null,
      schedule: { cron: '0 9 1 1 *', timezone: 'UTC' },
      recipients: [{ kind: 'slack_channel', id: ALERTS }],
      ...fields,
    },
  );
}

/** The alert's latest execution once it has finished. */
function finished(alertId: string, timeoutMs = 30_000): Promise<Execution> {
  return eventually(async () => (await e2e.lookout.store.history(alertId, 1)).find((e) => e.state !== 'WORKING'), timeoutMs, `alert ${alertId} to finish`);
}

const posted = (name: string) => e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes(name));

describe('a dependency down', () => {
  it('a data source down: its alert errors and its owner is told; the others run', async () => {
    const down = await alert('Warehouse report', { dataSource: 'warehouse' });
    const fine = [await alert('Fine report 1', {}), await alert('Fine report 2', {})];
    for (const a of [down, ...fine]) await e2e.lookout.service.runNow({ userId: ALICE }, a.id);

    const failed = await finished(down.id);
    expect(failed.state).toBe('ERROR');
    expect(failed.reason).toMatch(/warehouse|connect|refused/i);
    for (const a of fine) expect((await finished(a.id)).state).toBe('SUCCESS');
    expect(posted('Fine report 1')).toHaveLength(1);
    expect(posted('Fine report 2')).toHaveLength(1);
    expect(posted('Warehouse report')).toHaveLength(0);
    const notice = await e2e.sim.waitUntil(() => e2e.sim.messages(ALICE).find((m) => (m.text ?? '').includes('Warehouse report')), 20_000);
    expect(blocksText(notice.blocks)).toMatch(/query/i);
  }, 60_000);

  it('Chromium killed mid-capture: the message goes out without the screenshot and says why; the next capture works', async () => {
    const slow = await alert('Slow dashboard', {
      content: { kind: 'screenshot', url: dashboard.url('/slow'), width: 800, height: 600 },
    });
    await e2e.lookout.service.runNow({ userId: ALICE }, slow.id);
    await dashboard.waitForRequest('/slow');
    const killed = chromiumChildren();
    expect(killed.length).toBeGreaterThan(0);
    for (const pid of killed) process.kill(pid, 'SIGKILL');

    const execution = await finished(slow.id);
    expect(execution.state).toBe('SUCCESS');
    expect(execution.reason).toContain('the browser stopped during the screenshot');
    const [message] = posted('Slow dashboard');
    expect(blocksText(message?.blocks)).toContain('the browser stopped during the screenshot');

    const next = await alert('Dashboard after the crash', {
      content: { kind: 'screenshot', url: dashboard.url('/dashboard'), width: 800, height: 600 },
    });
    await e2e.lookout.service.runNow({ userId: ALICE }, next.id);
    const shot = await e2e.sim.waitUntil(
      () => e2e.sim.files().find((f) => f.completed && f.name.startsWith('dashboard-after') && f.mimetype === 'image/png'),
      30_000,
    );
    expect(shot.bytes.readUInt32BE(16)).toBe(800);
    expect(chromiumChildren().some((pid) => killed.includes(pid))).toBe(false);
  }, 60_000);

  it('SMTP down: the email recipient fails, Slack is delivered, and the execution says which', async () => {
    await smtp.close();
    const mail = await alert('Mail outage report', {
      content: { kind: 'csv', bom: false, keepFormulas: false },
      recipients: [{ kind: 'slack_channel', id: ALERTS }, { kind: 'email', address: 'ops@example.com' }],
    });
    await e2e.lookout.service.runNow({ userId: ALICE }, mail.id);
    const execution = await finished(mail.id);
    expect(execution.state).toBe('ERROR');
    expect(execution.reason).toMatch(/^delivery failed for email:ops@example\.com: .*could not be reached/);
    expect(execution.deliveries.map((d) => [d.recipient, d.ok])).toEqual([
      [`channel:${ALERTS}`, true],
      ['email:ops@example.com', false],
    ]);
    expect(posted('Mail outage report')).toHaveLength(1);
  }, 60_000);
});

/** Chromium processes this test process started (the warm browser). */
function chromiumChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm !== undefined && /chrom/.test(comm))
    .map(([pid]) => Number(pid));
}

