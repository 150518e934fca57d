// The email a message becomes: subjects per kind, the same facts in HTML and plain text as in
// Slack, user-written text escaped, the internal screenshot URL never shown, the image inline.
import { describe, expect, it } from '@jest/globals';
import type { Attachment } from '../../../../src/content/port.js';
import type { Alert } from '../../../../src/domain/types.js';
import { composeMessage } from '../../../../src/messages/compose.js';
import { EMAIL_TABLE, renderEmail, type EmailContent } from '../../../../src/messages/email/render-email.js';
import { showsContent, type MessageKind, type OutgoingMessage } from '../../../../src/messages/outgoing.js';
import { makeAlert, makeMessage, screenshotContent } from '../../../support/fixtures.js';

// makeMessage() evaluates at 09:00:02 in Seoul, which has no letter abbreviation: shown with the zone's name.
const SEOUL_TIME = '2026-11-25 09:00 (Asia/Seoul)';

function message(kind: MessageKind, overrides: Record<string, unknown> = {}, alert: Partial<Alert> = {}): OutgoingMessage {
  return makeMessage(kind, { alert: makeAlert({ name: 'Orders stalled', condition: { op: '<', threshold: 1 }, ...alert }), ...overrides });
}

function buildEmail(msg: OutgoingMessage): EmailContent {
  return renderEmail(composeMessage(msg), { attachments: showsContent(msg) ? msg.attachments : [], executionId: msg.executionId });
}

const png: Attachment = {
  kind: 'image',
  filename: 'orders.png',
  mimeType: 'image/png',
  bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  title: 'Orders by region',
  altText: 'Bar chart of orders by region',
};
const csv: Attachment = { kind: 'csv', filename: 'orders.csv', mimeType: 'text/csv', bytes: Buffer.from('a,b\r\n1,2\r\n'), title: 'Orders', altText: null };

/** The HTML as a reader sees it (tags gone, entities decoded), and the plain text: the same facts go in both. */
function bodies(msg: OutgoingMessage): { html: string; seen: string; text: string } {
  const { html, text } = buildEmail(msg);
  const seen = html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return { html, seen, text };
}

describe('buildEmail', () => {
  it.each<[MessageKind, Record<string, unknown>, string]>([
    ['firing', { value: '0' }, '[Lookout] 🔴 Orders stalled is firing: 0 (value < 1)'],
    ['repeat', { value: '0' }, '[Lookout] 🔴 Orders stalled is still firing: 0 (value < 1)'],
    ['report', {}, '[Lookout] 📊 Orders stalled'],
    ['resolved', {}, '[Lookout] ✅ Orders stalled resolved'],
    ['error_notice', { error: 'relation "orders" does not exist', failedStep: 'query' }, '[Lookout] ⚠️ Orders stalled failed: relation "orders" does not exist'],
    ['fallback_notice', { error: 'channel:C0OPS: not_in_channel' }, '[Lookout] ✉️ Orders stalled: sent by email because Slack failed'],
  ])('names the alert and its state in the subject of a %s message', (kind, overrides, subject) => {
    expect(buildEmail(message(kind, overrides)).subject).toBe(subject);
  });

  it('keeps the subject on one line whatever the name and value hold', () => {
    const { subject } = buildEmail(message('firing', { value: '1\r\nBcc: victim@example.com' }, { name: 'Orders\r\nBcc: a@example.com\nX' }));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toBe('[Lookout] 🔴 Orders Bcc: a@example.com X is firing: 1 Bcc: victim@example.com (value < 1)');
  });

  it('escapes a malicious name, template, description and cell in the HTML', () => {
    const evil = '<script>alert(1)</script>';
    const withTemplate = buildEmail(
      message(
        'firing',
        { result: { columns: ['region', `<img src=x onerror=alert(1)>`], rows: [[evil, 3]], truncated: false } },
        { name: evil, messageTemplate: `<b>Look</b> at {{name}} <a href="javascript:x">now</a>` },
      ),
    );
    const withDescription = buildEmail(message('report', {}, { name: evil, description: `"quoted" ${evil}` }));
    for (const { html } of [withTemplate, withDescription]) {
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<b>Look');
      expect(html).not.toContain('href="javascript');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    expect(withTemplate.html).toContain('&lt;b&gt;Look&lt;/b&gt; at &lt;script&gt;');
    expect(withDescription.html).toContain('&quot;quoted&quot;');
    // Plain text is not HTML: it says what was written.
    expect(withTemplate.text).toContain(`<b>Look</b> at ${evil}`);
  });

  it('says the same facts in the HTML and the plain text of a firing message', () => {
    const msg = message(
      'firing',
      {
        value: '0',
        result: { columns: ['region', 'orders'], rows: [['서울', 0], ['부산', null]], truncated: false },
        attachments: [png, csv],
        contentNotes: ['the screenshot is missing: the page did not load within 30 s'],
      },
      { messageTemplate: 'No orders in {{rowCount}} regions since {{value}}', dataSource: 'shop' },
    );
    const { html, seen, text } = bodies(msg);
    for (const body of [seen, text]) {
      expect(body).toContain('Orders stalled');
      expect(body).toContain('Value: 0 — condition: value < 1');
      expect(body).toContain('No orders in 2 regions since 0');
      expect(body).toContain('2 rows');
      expect(body).toContain('서울');
      expect(body).toContain('NULL');
      expect(body).toContain(`Evaluated ${SEOUL_TIME}`);
      expect(body).toContain('Data source: shop');
      expect(body).toContain('The screenshot is missing: the page did not load within 30 s');
      expect(body).toContain('Attached: orders.csv');
      expect(body).toContain('/alert run "Orders stalled"');
    }
    expect(html).toContain('Value: <strong>0</strong> — condition: value &lt; 1');
    expect(text).toContain('[Image: Bar chart of orders by region — attached as orders.png]');
  });

  it('shows the description when there is no template', () => {
    const { html, seen, text } = bodies(message('report', {}, { description: 'Daily orders\nper region' }));
    expect(html).toContain('Daily orders<br>per region');
    for (const body of [seen, text]) expect(body).toContain('Daily orders\nper region');
  });

  it(`shows at most ${EMAIL_TABLE.rows} rows and ${EMAIL_TABLE.columns} columns, saying how many there were`, () => {
    const columns = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 25 }, (_, r) => columns.map((_, c) => `r${r}c${c}`));
    const { html, seen, text } = bodies(message('report', { result: { columns, rows, truncated: false } }));
    for (const body of [seen, text]) {
      expect(body).toContain('First 20 of 25 rows, first 8 of 10 columns');
      expect(body).toContain('r19c7');
      expect(body).not.toContain('r20c0');
      expect(body).not.toContain('r0c8');
    }
    expect(html.match(/<tr>/g)).toHaveLength(21);
  });

  it('says "more than" when the data source stopped at its row cap', () => {
    const { text } = bodies(message('report', { result: { columns: ['n'], rows: [[1], [2]], truncated: true } }));
    expect(text).toContain('First 2 of more than 2 rows');
  });

  it("links the screenshot's public URL and never the address the browser used", () => {
    const internal = 'http://grafana.internal:3000/d/1?token=abc';
    const screenshot = screenshotContent({ url: internal, linkUrl: 'https://dash.example.com/d/1', width: 800, height: 600 });
    const linked = bodies(message('report', {}, { content: screenshot }));
    expect(linked.seen).toContain('Open the dashboard');
    expect(linked.html).toContain('<a href="https://dash.example.com/d/1">Open the dashboard</a>');
    expect(linked.text).toContain('Open the dashboard: https://dash.example.com/d/1');
    const unlinked = bodies(message('report', {}, { content: { ...screenshot, linkUrl: null } }));
    for (const body of [linked.html, linked.text, unlinked.html, unlinked.text]) expect(body).not.toContain('grafana.internal');
    expect(unlinked.text).not.toContain('Open the dashboard');
  });

  it('puts the first image inline under a cid the HTML refers to, and attaches the CSV', () => {
    const second: Attachment = { ...png, filename: 'second.png' };
    const email = buildEmail(message('firing', { attachments: [csv, png, second] }));
    const [file, inline, other] = email.attachments;
    expect(inline?.cid).toMatch(/^[A-Za-z0-9.-]+@lookout$/);
    expect(email.html).toContain(`<img src="cid:${inline?.cid}" alt="Bar chart of orders by region"`);
    expect(inline?.content.equals(png.bytes)).toBe(true);
    expect(file).toEqual({ filename: 'orders.csv', content: csv.bytes, contentType: 'text/csv' });
    expect(other?.cid).toBeUndefined();
    expect(email.text).toContain('Attached: orders.csv, second.png');
  });

  it('tells the owners what failed, at which step, when it last worked and what to do', () => {
    const lastGood = new Date('2026-11-24T00:00:00Z');
    const { html, seen, text } = bodies(message('error_notice', { error: 'relation "orders" does not exist', failedStep: 'query', lastGoodRunAt: lastGood }));
    for (const body of [seen, text]) {
      expect(body).toContain('Lookout could not run');
      expect(body).toContain('Failed step: the query (running the SQL on the data source)');
      expect(body).toContain('Last good run:');
      expect(body).toContain('2026-11-24 09:00 (Asia/Seoul)');
      expect(body).toContain('/alert edit "Orders stalled"');
      expect(body).toContain('/alert run "Orders stalled"');
      expect(body).toContain('/alert pause "Orders stalled"');
    }
    expect(html).toContain('relation &quot;orders&quot; does not exist');
    expect(text).toContain('relation "orders" does not exist');

    const never = bodies(message('error_notice', { error: 'returned 2 rows', failedStep: 'condition', lastGoodRunAt: null }));
    for (const body of [never.seen, never.text]) {
      expect(body).toContain("Failed step: the condition (checking the query's result)");
      expect(body).toContain('make the SQL return one row with one value');
      expect(body).toContain('Last good run: never');
    }
    // No step known: none is claimed.
    const stepless = bodies(message('error_notice', { error: 'working timeout', failedStep: null }));
    expect(stepless.text).not.toContain('Failed step');
  });

  it('explains a fallback: which Slack recipient failed and where the email went', () => {
    const error = 'channel:C0OPS: Lookout is not a member of this channel; sent by email to alice@example.com';
    const { seen, text } = bodies(message('fallback_notice', { error, failedStep: 'delivery' }));
    for (const body of [seen, text]) {
      expect(body).toContain(error);
      expect(body).toContain('/invite @Lookout');
    }
  });

  it('says a recovery with the value now and the condition', () => {
    const { seen, text } = bodies(message('resolved', { value: '5' }));
    for (const body of [seen, text]) {
      expect(body).toContain('✅ Orders stalled resolved');
      expect(body).toContain('Value now: 5 — condition: value < 1');
      expect(body).toContain(`Evaluated ${SEOUL_TIME}`);
    }
  });
});
