// Files after the message, with the real WebClient against the Slack simulator: the three
// upload calls in order, into the message's channel and thread; a failed byte upload is
// retried, an ambiguous completion is not; a file that never arrives only adds a note.
// Also the directory (users.info → profile email), which needs users:read.email.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PNG } from 'pngjs';
import type { Attachment } from '../../../../src/content/port.js';
import type { DeliveryOutcome } from '../../../../src/services/delivery-port.js';
import type { MessageKind, OutgoingMessage } from '../../../../src/messages/outgoing.js';
import { createSlackDelivery, parseMessageRef } from '../../../../src/delivery/slack/slack-delivery.js';
import { createSlackUsers } from '../../../../src/slack-api/users.js';
import { UPLOAD_LIMITS } from '../../../../src/delivery/slack/slack-files.js';
import { createSlackClient } from '../../../../src/slack-api/client.js';
import type { Alert, Recipient } from '../../../../src/domain/types.js';
import { silentLogger } from '../../../../src/logger.js';
import { makeAlert, makeMessage } from '../../../support/fixtures.js';
import { DEFAULT_SCOPES, startSlackSimulator, type CallRecord, type SlackSimulator } from '../../../support/slack-simulator/index.js';

const ALERTS = 'C0ALERTS1';
const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';
const T0 = new Date('2026-11-25T00:00:00Z');
const channel: Recipient = { kind: 'slack_channel', id: ALERTS };
const signal = (): AbortSignal => AbortSignal.timeout(20_000);

function chartPng(): Buffer {
  const png = new PNG({ width: 4, height: 3 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([30, 120, 200, 255], i);
  return PNG.sync.write(png);
}

const PNG_BYTES = chartPng();
const CSV_BYTES = Buffer.from('\uFEFF지역,주문\r\n서울,120\r\n부산,80\r\n', 'utf8');

const ATTACHMENTS: Attachment[] = [
  { kind: 'image', filename: 'orders-by-region.png', mimeType: 'image/png', bytes: PNG_BYTES, title: '지역별 주문', altText: 'Bar chart of orders by region' },
  { kind: 'csv', filename: 'orders-by-region.csv', mimeType: 'text/csv', bytes: CSV_BYTES, title: '지역별 주문 (CSV)', altText: null },
];

/** The shared fixture, as a Korean chart report owned by Alice posting to #alerts. */
function koreanReport(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    id: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
    name: '지역별 주문',
    description: 'Orders per region',
    owners: [ALICE],
    type: 'report',
    sql: 'SELECT region, orders FROM sales',
    condition: null,
    schedule: { cron: '0 9 * * *', timezone: 'Asia/Seoul' },
    content: { kind: 'chart', chart: 'bar', csv: true, native: false, bom: true, keepFormulas: false },
    recipients: [channel],
    nextRunAt: T0,
    createdBy: ALICE,
    createdAt: T0,
    updatedBy: ALICE,
    updatedAt: T0,
    firingSince: T0,
    ...overrides,
  });
}

function outgoing(kind: MessageKind, overrides: Record<string, unknown> = {}): OutgoingMessage {
  const alert = kind === 'report' ? koreanReport() : koreanReport({ type: 'alert', condition: { op: '>', threshold: 100 } });
  // A firing message sent into an incident's thread is a repeat.
  const actual = kind === 'firing' && typeof overrides.threadRef === 'string' ? 'repeat' : kind;
  return makeMessage(actual, {
    alert,
    executionId: `exec-${kind}`,
    scheduledAt: T0,
    evaluatedAt: new Date(T0.getTime() + 2000),
    value: kind === 'firing' ? '120' : null,
    result: { columns: ['지역', '주문'], rows: [['서울', 120], ['부산', 80]], truncated: false },
    attachments: ATTACHMENTS,
    error: 'something failed',
    failedStep: kind === 'error_notice' ? 'query' : null,
    threadRef: null,
    ...overrides,
  } as never);
}

function okRef(outcome: DeliveryOutcome): { channel: string; ts: string } {
  if (!outcome.ok) throw new Error(`delivery failed: ${outcome.error}`);
  const ref = parseMessageRef(outcome.ref);
  if (ref === null) throw new Error(`no usable ref: ${String(outcome.ref)}`);
  return ref;
}

const UPLOAD_METHODS = new Set(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);

describe('Slack delivery: files after the message', () => {
  let sim: SlackSimulator;
  let mark = 0;
  const callsNow = (method?: string): CallRecord[] => sim.calls(method).filter((c) => c.seq > mark);
  const fileIdsNow = (): string[] => callsNow('files.getUploadURLExternal').map((c) => String(c.response.file_id));
  const delivery = () => {
    const client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url, logger: silentLogger() });
    return createSlackDelivery({ client, token: sim.botToken, logger: silentLogger(), clock: () => T0 });
  };

  beforeAll(async () => {
    sim = await startSlackSimulator({
      users: [
        { id: ALICE, name: 'alice', email: 'alice@example.com' },
        { id: BOB, name: 'bob' },
      ],
      channels: [{ id: ALERTS, name: 'alerts', members: [ALICE] }],
    });
  });

  afterEach(() => {
    sim.faults.clear();
    sim.workspace.scopes = [...DEFAULT_SCOPES];
    mark = sim.calls().length;
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('posts a report, then its PNG and CSV top-level in the same channel, through the three calls', async () => {
    const outcome = await delivery().send(channel, outgoing('report'), signal());
    const ref = okRef(outcome);
    expect(outcome).toMatchObject({ ok: true, note: null });
    expect(sim.message(ALERTS, ref.ts)).toBeDefined();

    expect(callsNow().map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'upload',
      'upload',
      'files.completeUploadExternal',
    ]);
    const [png, csv] = callsNow('files.getUploadURLExternal');
    expect(png?.args).toMatchObject({ filename: 'orders-by-region.png', length: String(PNG_BYTES.length), alt_text: 'Bar chart of orders by region', alt_txt: 'Bar chart of orders by region' });
    expect(csv?.args).toMatchObject({ filename: 'orders-by-region.csv', length: String(CSV_BYTES.length) });
    expect(csv?.args.alt_txt).toBeUndefined();
    for (const upload of callsNow('upload')) expect(upload.tokenKind).toBe('bot');

    const [complete] = callsNow('files.completeUploadExternal');
    expect(complete?.args.channel_id).toBe(ALERTS);
    expect(complete?.args.thread_ts).toBeUndefined();
    const ids = fileIdsNow();
    expect(complete?.args.files).toEqual([
      { id: ids[0], title: '지역별 주문' },
      { id: ids[1], title: '지역별 주문 (CSV)' },
    ]);

    const files = sim.files().filter((f) => ids.includes(f.id));
    expect(files.map((f) => [f.completed, f.channel, f.thread_ts])).toEqual([
      [true, ALERTS, undefined],
      [true, ALERTS, undefined],
    ]);
    expect(files[0]?.bytes.equals(PNG_BYTES)).toBe(true);
    expect(files[1]?.bytes.equals(CSV_BYTES)).toBe(true);
    expect(files[1]?.bytes.toString('utf8')).toContain('서울,120');
  });

  it('puts a repeat firing\'s files in the firing thread', async () => {
    const send = delivery();
    const posted = await send.send(channel, outgoing('firing'), signal());
    const first = okRef(posted);
    mark = sim.calls().length;

    const threadDrawn = posted.ok ? posted.drawn : undefined;
    const outcome = await send.send(channel, outgoing('firing', { threadRef: `${ALERTS}:${first.ts}`, threadDrawn }), signal());
    expect(outcome).toMatchObject({ ok: true, note: null });
    expect(callsNow().map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'upload',
      'upload',
      'files.completeUploadExternal',
      'chat.update',
    ]);
    expect(callsNow('files.completeUploadExternal')[0]?.args).toMatchObject({ channel_id: ALERTS, thread_ts: first.ts });
    const ids = fileIdsNow();
    const files = sim.files().filter((f) => ids.includes(f.id));
    expect(files.map((f) => f.thread_ts)).toEqual([first.ts, first.ts]);
    expect(sim.replies(ALERTS, first.ts).filter((m) => m.via === 'files.completeUploadExternal')).toHaveLength(1);
  });

  it('retries an upload that answered 500; the files arrive once', async () => {
    sim.faults.httpError({ method: 'upload', status: 500, times: 1 });
    const outcome = await delivery().send(channel, outgoing('report'), signal());
    expect(outcome).toMatchObject({ ok: true, note: null });
    expect(callsNow('upload').map((c) => c.status)).toEqual([500, 200, 200]);
    expect(callsNow('files.completeUploadExternal')).toHaveLength(1);
    const ids = fileIdsNow();
    expect(sim.files().filter((f) => ids.includes(f.id) && f.completed && f.channel === ALERTS)).toHaveLength(2);
    expect(sim.messages(ALERTS).filter((m) => m.via === 'files.completeUploadExternal' && m.files?.some((f) => ids.includes(f.id)))).toHaveLength(1);
  });

  it('keeps the delivery when the bytes never upload, with a note naming the files', async () => {
    sim.faults.httpError({ method: 'upload', status: 500, times: 10 });
    const outcome = await delivery().send(channel, outgoing('report'), signal());
    const ref = okRef(outcome);
    expect(outcome.ok && outcome.note).toMatch(/^the chart and CSV could not be uploaded: the upload answered HTTP 500/);
    expect(sim.message(ALERTS, ref.ts)).toBeDefined();
    // The first file's bytes, tried and retried; the second is never tried.
    expect(callsNow('upload')).toHaveLength(UPLOAD_LIMITS.retries + 1);
    expect(callsNow('files.completeUploadExternal')).toHaveLength(0);
    const ids = fileIdsNow();
    expect(sim.files().filter((f) => ids.includes(f.id) && f.completed)).toHaveLength(0);
  });

  it('never replays a completion that answered 500, and says the files may or may not be shared', async () => {
    sim.faults.httpError({ method: 'files.completeUploadExternal', status: 500 });
    const outcome = await delivery().send(channel, outgoing('report'), signal());
    okRef(outcome);
    expect(outcome.ok && outcome.note).toMatch(/^the chart and CSV could not be uploaded: .*may or may not have been shared/);
    expect(callsNow('files.completeUploadExternal')).toHaveLength(1);
  });

  it('names the missing files:write scope', async () => {
    sim.workspace.scopes = DEFAULT_SCOPES.filter((s) => s !== 'files:write');
    const outcome = await delivery().send(channel, outgoing('report'), signal());
    okRef(outcome);
    expect(outcome.ok && outcome.note).toMatch(/^the chart and CSV could not be uploaded: .*files:write/);
    expect(callsNow('upload')).toHaveLength(0);
  });

  it('uploads nothing with notices and recoveries, even when they carry files', async () => {
    const send = delivery();
    for (const kind of ['resolved', 'error_notice', 'fallback_notice'] as const) {
      const to: Recipient = kind === 'resolved' ? channel : { kind: 'slack_user', id: ALICE };
      expect(await send.send(to, outgoing(kind), signal())).toMatchObject({ ok: true, note: null });
    }
    expect(callsNow().filter((c) => UPLOAD_METHODS.has(c.method))).toHaveLength(0);
  });
});

describe('Slack directory (users.info)', () => {
  let sim: SlackSimulator;

  beforeAll(async () => {
    sim = await startSlackSimulator({ users: [{ id: ALICE, name: 'alice', email: 'alice@example.com' }, { id: BOB, name: 'bob' }] });
  });

  afterAll(async () => {
    await sim.stop();
  });

  const directory = () => {
    const client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url, logger: silentLogger() });
    return createSlackUsers({ client, logger: silentLogger() });
  };

  it('answers the profile email, asking Slack once per user', async () => {
    const dir = directory();
    const before = sim.calls('users.info').length;
    expect(await dir.emailOf(ALICE, signal())).toBe('alice@example.com');
    expect(await dir.emailOf(ALICE, signal())).toBe('alice@example.com');
    expect(sim.calls('users.info').length - before).toBe(1);
    expect(await dir.emailOf(BOB, signal())).toBeNull();
    expect(await dir.emailOf('U0NOBODY1', signal())).toBeNull();
  });

  it('answers null without the users:read.email scope', async () => {
    sim.workspace.scopes = DEFAULT_SCOPES.filter((s) => s !== 'users:read.email');
    try {
      expect(await directory().emailOf(ALICE, signal())).toBeNull();
    } finally {
      sim.workspace.scopes = [...DEFAULT_SCOPES];
    }
  });
});
