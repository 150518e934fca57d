// The email delivery with real nodemailer against a real SMTP server on 127.0.0.1: what
// arrives (inline PNG, CSV byte for byte), and what the outcome says when the server is down,
// refuses a recipient, or goes quiet while it has the message.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Socket } from 'node:net';
import { PNG } from 'pngjs';
import type { Attachment } from '../../../../src/content/port.js';
import { createEmailDelivery, type EmailDelivery, type EmailTimeouts } from '../../../../src/delivery/email/email-delivery.js';
import type { MessageKind, OutgoingMessage } from '../../../../src/messages/outgoing.js';
import { silentLogger } from '../../../../src/logger.js';
import { makeAlert, makeMessage } from '../../../support/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../../../support/smtp-sink.js';
import { freePort } from '../../../support/ports.js';

const T0 = new Date('2026-11-25T00:00:00Z');
const FROM = 'Lookout <lookout@example.com>';
const OPS = { kind: 'email', address: 'ops@example.com' } as const;
const signal = (): AbortSignal => AbortSignal.timeout(20_000);

function message(kind: MessageKind, overrides: Record<string, unknown> = {}): OutgoingMessage {
  return makeMessage(kind, {
    alert: makeAlert({ name: '지역별 주문 stalled', condition: { op: '<', threshold: 1 } }),
    executionId: 'exec-1',
    scheduledAt: T0,
    evaluatedAt: T0,
    value: '0',
    result: { columns: ['지역', '주문'], rows: [['서울', 3]], truncated: false },
    ...overrides,
  } as never);
}

function pngBytes(): Buffer {
  const png = new PNG({ width: 2, height: 2 });
  png.data.fill(0xff);
  return PNG.sync.write(png);
}

const deliveries: EmailDelivery[] = [];
function delivery(smtpUrl: string, timeouts?: Partial<EmailTimeouts>): EmailDelivery {
  const created = createEmailDelivery({ smtpUrl, from: FROM, logger: silentLogger(), timeouts });
  deliveries.push(created);
  return created;
}

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink({ rejectRecipients: ['nobody@example.com'] });
});
afterAll(async () => {
  deliveries.forEach((d) => d.close());
  await sink?.close();
});

describe('email delivery', () => {
  it('sends a firing alert with the chart inline and the CSV attached byte for byte', async () => {
    const before = sink.messages.length;
    const csvBytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('지역,주문\r\n서울,3\r\n', 'utf8')]);
    const png: Attachment = { kind: 'image', filename: '지역별-주문.png', mimeType: 'image/png', bytes: pngBytes(), title: '지역별 주문', altText: 'Orders by region' };
    const csv: Attachment = { kind: 'csv', filename: '지역별-주문.csv', mimeType: 'text/csv', bytes: csvBytes, title: '지역별 주문', altText: null };

    const outcome = await delivery(sink.url).send(OPS, message('firing', { attachments: [png, csv] }), signal());
    expect(outcome).toMatchObject({ ok: true, note: null });
    const mail = (await sink.waitForMessages(before + 1, 10_000))[before];

    expect(outcome.ok && outcome.ref).toBe(mail?.messageId);
    expect(mail?.subject).toBe('[Lookout] 🔴 지역별 주문 stalled is firing: 0 (value < 1)');
    expect(JSON.stringify(mail?.to)).toContain('ops@example.com');
    const inline = mail?.attachments.find((a) => a.contentType === 'image/png');
    expect(inline?.contentDisposition).toBe('inline');
    expect(inline?.cid).toBeTruthy();
    expect(mail?.html).toContain(`src="cid:${inline?.cid}"`);
    expect(inline?.content.equals(png.bytes)).toBe(true);
    const attached = mail?.attachments.find((a) => a.contentType.startsWith('text/csv'));
    expect(attached?.contentDisposition).toBe('attachment');
    expect(attached?.filename).toBe('지역별-주문.csv');
    expect(attached?.content.equals(csvBytes)).toBe(true);
    expect(attached?.content.toString('utf8')).toContain('서울,3');
    expect(mail?.text).toContain('지역별 주문 stalled');
    expect(mail?.text).toContain('서울');
    expect(mail?.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('threads a recovery under the firing mail', async () => {
    const email = delivery(sink.url);
    const first = await email.send(OPS, message('firing'), signal());
    if (!first.ok) throw new Error(first.error);
    const before = sink.messages.length;
    await email.send(OPS, message('resolved', { value: '4', threadRef: first.ref }), signal());
    const mail = (await sink.waitForMessages(before + 1, 10_000))[before];
    expect(mail?.subject).toBe('[Lookout] ✅ 지역별 주문 stalled resolved');
    expect(mail?.inReplyTo).toBe(first.ref);
  });

  it('says which server could not be reached, without the password, when nothing listens', async () => {
    const port = await freePort();
    const outcome = await delivery(`smtp://lookout:s3cret-pa55@127.0.0.1:${port}`).send(OPS, message('firing'), signal());
    expect(outcome).toEqual({
      ok: false,
      unknown: false,
      error: `the mail server at 127.0.0.1:${port} could not be reached (ECONNREFUSED); nothing was sent`,
    });
  });

  it('says nothing was sent when the server never greets', async () => {
    // Accepts the connection and says nothing, like a firewall or a hung server.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = address !== null && typeof address === 'object' ? address.port : 0;
    try {
      const outcome = await delivery(`smtp://127.0.0.1:${port}`, { greetingTimeout: 300 }).send(OPS, message('firing'), signal());
      expect(outcome).toEqual({
        ok: false,
        unknown: false,
        error: `the mail server at 127.0.0.1:${port} could not be reached (ETIMEDOUT); nothing was sent`,
      });
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('reports a refused recipient with the reason the server gave, and still delivers to the next', async () => {
    const email = delivery(sink.url);
    const before = sink.messages.length;
    const refused = await email.send({ kind: 'email', address: 'nobody@example.com' }, message('report'), signal());
    const accepted = await email.send({ kind: 'email', address: 'team@example.com' }, message('report'), signal());

    expect(refused).toEqual({
      ok: false,
      unknown: false,
      error: 'the mail server refused nobody@example.com: 550 5.1.1 <nobody@example.com>: no such user',
    });
    expect(accepted.ok).toBe(true);
    const mails = (await sink.waitForMessages(before + 1, 10_000)).slice(before);
    expect(mails.map((m) => JSON.stringify(m.to))).toEqual([expect.stringContaining('team@example.com')]);
  });

  it('sends nothing when the working timeout has already run out', async () => {
    const email = delivery(sink.url);
    const before = sink.messages.length;
    const aborted = await email.send(OPS, message('firing', { executionId: 'aborted' }), AbortSignal.abort());
    expect(aborted).toEqual({ ok: false, unknown: false, error: expect.stringContaining('nothing was sent') });

    // The next mail is the only one to arrive: the aborted one never reached the server.
    await email.send(OPS, message('report', { executionId: 'after' }), signal());
    const mails = (await sink.waitForMessages(before + 1, 10_000)).slice(before);
    expect(mails.map((m) => m.subject)).toEqual(['[Lookout] 📊 지역별 주문 stalled']);
  });

  it('refuses recipients that are not email addresses', async () => {
    const email = delivery(sink.url);
    expect(await email.send({ kind: 'slack_channel', id: 'C0OPS' }, message('firing'), signal())).toEqual({
      ok: false,
      unknown: false,
      error: 'the email delivery sends only to email addresses',
    });
    const twoInOne = await email.send({ kind: 'email', address: 'a@example.com, b@example.com' }, message('firing'), signal());
    expect(twoInOne).toMatchObject({ ok: false, unknown: false });
  });

  it('checks the server for /alert doctor', async () => {
    expect(await delivery(sink.url).check()).toEqual({ ok: true, detail: `the mail server at 127.0.0.1:${sink.port} answered` });
    const port = await freePort();
    expect(await delivery(`smtp://127.0.0.1:${port}`).check()).toEqual({
      ok: false,
      detail: `the mail server at 127.0.0.1:${port} could not be reached (ECONNREFUSED)`,
    });
  });

  describe('when the server goes quiet while it has the message', () => {
    /** Each case gets its own server that takes the content and never answers. */
    async function withQuietServer(run: (quiet: SmtpSink) => Promise<void>): Promise<void> {
      const quiet = await startSmtpSink({ stallData: true });
      try {
        await run(quiet);
      } finally {
        await quiet.close();
      }
    }

    it('the outcome is unknown after the socket timeout', () =>
      withQuietServer(async (quiet) => {
        const outcome = await delivery(quiet.url, { socketTimeout: 300 }).send(OPS, message('firing'), signal());
        expect(outcome).toEqual({
          ok: false,
          unknown: true,
          error: `the mail server at 127.0.0.1:${quiet.port} stopped answering while it was receiving the message (ETIMEDOUT); it may or may not arrive`,
        });
      }));

    it('the outcome is unknown when the working timeout runs out', () =>
      withQuietServer(async (quiet) => {
        const controller = new AbortController();
        const sending = delivery(quiet.url).send(OPS, message('firing'), controller.signal);
        await quiet.waitForData(1, 10_000);
        controller.abort();
        expect(await sending).toEqual({
          ok: false,
          unknown: true,
          error: 'the working timeout ran out while the mail server was receiving the message; it may or may not arrive',
        });
      }));
  });
});
