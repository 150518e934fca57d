// Content end to end, as main.ts builds Lookout: a chart report with its CSV reaches Slack as
// a message and two files (through the three upload calls) and an email recipient by SMTP;
// a screenshot of a local dashboard arrives as a PNG; a channel Slack refuses falls back to
// the owners' email and the owners are told.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PNG } from 'pngjs';
import type { Alert, Execution } from '../../src/domain/types.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { ALERTS, ALICE, ALICE_EMAIL, blocksText, startE2e, type E2e } from './support/e2e.js';
import { eventually } from '../support/eventually.js';

let e2e: E2e;
let smtp: SmtpSink;
let dashboard: DashboardServer;

const REGION_SALES = "SELECT region AS 지역, orders AS 주문, revenue AS 매출 FROM sales ORDER BY orders DESC";

beforeAll(async () => {
  smtp = await startSmtpSink();
  dashboard = await startDashboardServer();
  e2e = await startE2e({
    configure: (config) => ({
      ...config,
      email: { smtpUrl: smtp.url, from: 'Lookout <lookout@example.com>' },
      screenshots: { ...config.screenshots, allowedHosts: ['127.0.0.1'], allowLoopback: true },
    }),
  });
  e2e.exec(`CREATE TABLE sales (region TEXT, orders INTEGER, revenue REAL);
    INSERT INTO sales VALUES ('서울', 120, 5400.5), ('부산', 80, 3100), ('대구', 45, 1800.25);`);
});

afterAll(async () => {
  await e2e?.stop();
  await dashboard?.close();
  await smtp?.close();
});

async function report(name: string, fields: Record<string, unknown>): Promise<Alert> {
  return e2e.lookout.service.create({ userId: ALICE }, {
    name,
    owners: [ALICE],
    type: 'report',
    dataSource: 'sample',
    sql: REGION_SALES,
    condition: null,
    schedule: { cron: '0 9 1 1 *', timezone: 'Asia/Seoul' },
    ...fields,
  });
}

/** The alert's latest execution once it has finished. */
function finished(alertId: string): Promise<Execution> {
  return eventually(async () => (await e2e.lookout.store.history(alertId, 1)).find((e) => e.state !== 'WORKING'), 20_000, 'the execution to finish');
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height };
}

describe('content and delivery', () => {
  it('a chart report with CSV: Slack message + PNG + CSV, and the same by email', async () => {
    const alert = await report('지역별 주문', {
      content: { kind: 'chart', chart: 'bar', csv: true, native: false, bom: true, keepFormulas: false },
      recipients: [{ kind: 'slack_channel', id: ALERTS }, { kind: 'email', address: 'ops@example.com' }],
    });
    await e2e.lookout.service.runNow({ userId: ALICE }, alert.id);

    const post = await e2e.sim.waitUntil(() => e2e.posts(ALERTS).find((m) => (m.text ?? '').includes('지역별 주문')), 20_000);
    const files = await e2e.sim.waitUntil(() => {
      const shared = e2e.sim.files().filter((f) => f.completed && f.channel === ALERTS && f.name.startsWith('지역별-주문'));
      return shared.length === 2 ? shared : undefined;
    }, 20_000);
    expect(blocksText(post.blocks)).toContain('서울');
    const png = files.find((f) => f.mimetype === 'image/png');
    const csv = files.find((f) => f.mimetype === 'text/csv');
    expect(png && pngSize(png.bytes)).toEqual({ width: 1200, height: 600 });
    expect(csv?.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv?.bytes.toString('utf8')).toContain('서울,120,5400.5');
    // Files go up after the message, top-level like it.
    expect(files.every((f) => f.thread_ts === undefined)).toBe(true);
    const posted = e2e.sim.calls('chat.postMessage').find((c) => JSON.stringify(c.args).includes('지역별 주문'));
    // The call log records a call once its answer is out, which may be after the file shows as shared.
    const completed = await e2e.sim.waitUntil(() => e2e.sim.calls('files.completeUploadExternal').find((c) => JSON.stringify(c.args).includes(ALERTS)));
    expect(posted && completed && posted.at <= completed.at).toBe(true);

    const [mail] = await smtp.waitForMessages(1, 20_000);
    expect(mail?.subject).toContain('지역별 주문');
    const inline = mail?.attachments.find((a) => a.contentType === 'image/png');
    expect(inline?.cid && mail?.html && mail.html.includes(`cid:${inline.cid}`)).toBeTruthy();
    const attached = mail?.attachments.find((a) => a.contentType.startsWith('text/csv'));
    expect(attached?.content.equals(csv?.bytes ?? Buffer.alloc(0))).toBe(true);

    const execution = await finished(alert.id);
    expect(execution?.state).toBe('SUCCESS');
    expect(execution?.deliveries.map((d) => [d.recipient, d.ok])).toEqual([
      [`channel:${ALERTS}`, true],
      ['email:ops@example.com', true],
    ]);
  });

  it('a screenshot report of a dashboard: the PNG has the requested size and no spinner', async () => {
    const alert = await report('Dashboard', {
      content: {
        kind: 'screenshot',
        url: dashboard.url('/spinner'),
        linkUrl: 'https://dash.example.com/d/1',
        width: 800,
        height: 600,
        waitFor: '.ready',
        waitForGone: '#spinner',
      },
      recipients: [{ kind: 'slack_channel', id: ALERTS }],
    });
    await e2e.lookout.service.runNow({ userId: ALICE }, alert.id);
    const shot = await e2e.sim.waitUntil(
      () => e2e.sim.files().find((f) => f.completed && f.name.startsWith('dashboard') && f.mimetype === 'image/png'),
      30_000,
    );
    expect(pngSize(shot.bytes)).toEqual({ width: 800, height: 600 });
    const post = e2e.posts(ALERTS).find((m) => (m.text ?? '').includes('Dashboard'));
    // People get the public link, never the address the browser used.
    expect(blocksText(post?.blocks)).toContain('https://dash.example.com/d/1');
    expect(blocksText(post?.blocks)).not.toContain(dashboard.url('/spinner'));
  });

  it('a channel Slack refuses falls back to the owners by email, and the owners are told', async () => {
    const alert = await report('Fallback report', {
      content: { kind: 'csv', bom: false, keepFormulas: false },
      recipients: [{ kind: 'slack_channel', id: ALERTS }],
      emailFallback: true,
    });
    const before = smtp.messages.length;
    e2e.sim.workspace.botLeave(ALERTS);
    try {
      await e2e.lookout.service.runNow({ userId: ALICE }, alert.id);
      const mails = await smtp.waitForMessages(before + 2, 20_000);
      const fresh = mails.slice(before);
      const copy = fresh.find((m) => (m.subject ?? '').includes('📊'));
      const notice = fresh.find((m) => (m.subject ?? '').includes('Slack failed'));
      expect(copy?.to && JSON.stringify(copy.to)).toContain(ALICE_EMAIL);
      expect(copy?.attachments.some((a) => a.contentType.startsWith('text/csv'))).toBe(true);
      expect(notice?.text).toContain('Lookout is not a member of this channel');
      const dm = await e2e.sim.waitUntil(() => e2e.sim.messages().find((m) => m.channel.startsWith('D') && (m.text ?? '').includes('Fallback report')), 20_000);
      expect(dm.text).toContain('email');
      const execution = await finished(alert.id);
      expect(execution?.state).toBe('SUCCESS');
      expect(execution?.deliveries[0]?.fallback).toBe(ALICE_EMAIL);
      expect(execution?.ownersNotified).toBe(true);
    } finally {
      e2e.sim.workspace.botJoin(ALERTS);
    }
  });
});
