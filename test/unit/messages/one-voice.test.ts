// Slack and email say the same thing: every kind of message is composed once and drawn by both
// renderers, and each sentence of the document appears, word for word, in what Slack shows and in
// the email's plain text; the one-line summary is Slack's notification text and the mail subject.
import { describe, expect, it } from '@jest/globals';
import { composeMessage } from '../../../src/messages/compose.js';
import { plainInlines, type Inline, type Part } from '../../../src/messages/document.js';
import { renderEmail } from '../../../src/messages/email/render-email.js';
import { showsContent, type MessageKind, type OutgoingMessage } from '../../../src/messages/outgoing.js';
import { renderSlack } from '../../../src/messages/slack/render-slack.js';
import { makeAlert, makeMessage, makeSeriesReport } from '../../support/fixtures.js';

const alert = makeAlert({ name: 'Stuck payments', condition: { op: '>', threshold: 5 }, description: 'Payments waiting & not settled' });
const result = { columns: ['region', 'stuck'], rows: [['서울', 7], ['Busan', null]], truncated: false };
const messages: Record<MessageKind, OutgoingMessage> = {
  firing: makeMessage('firing', { alert, value: '7', result, contentNotes: ['the chart is missing: no numeric column'] }),
  repeat: makeMessage('repeat', { alert, value: '9', result }),
  report: makeMessage('report', { alert: { ...alert, type: 'report', condition: null }, result }),
  resolved: makeMessage('resolved', { alert, value: '2' }),
  new_rows: makeMessage('new_rows', { alert, columns: ['id', 'customer'], rows: [[101, 'Ana & <Bo>']], more: 0, total: 1 }),
  error_notice: makeMessage('error_notice', { alert, error: 'relation "payments" does not exist', failedStep: 'query', lastGoodRunAt: new Date('2026-11-20T00:00:00Z') }),
  fallback_notice: makeMessage('fallback_notice', { alert, error: 'channel:C0OPS: not_in_channel; sent by email to ops@example.com' }),
  delivery_notice: makeMessage('delivery_notice', { alert, outcome: 'missing', recipients: ['channel:C0OPS', 'user:U0ANA'], why: null }),
};

const byRegion = { ...alert, labels: ['region'], warning: { op: '>' as const, threshold: 3 }, pendingTicks: 2 };
const report = makeSeriesReport();
const escalated = { ...report.changes[0]!, event: 'escalated' as const, reason: '9 > 5' };
const resolvedUs = { ...report.changes[0]!, key: 'us', labels: { region: 'us' }, event: 'resolved' as const, level: null, value: '1', reason: '1, not > 5' };
const variants: [string, OutgoingMessage][] = [
  ...Object.entries(messages),
  ['firing with series', makeMessage('firing', { alert: byRegion, value: '1 of 3 series firing', result, series: report })],
  ['repeat with series', makeMessage('repeat', { alert: byRegion, value: '1 of 3 series firing', result, series: { ...report, changes: [escalated, resolvedUs] } })],
  ['resolved with series', makeMessage('resolved', { alert: byRegion, value: '0 of 3 series firing', series: { ...report, changes: [resolvedUs], firing: [], pending: [] } })],
  ['new rows counted', makeMessage('new_rows', { alert, columns: ['id'], rows: [], more: 37, total: 57 })],
  ['delivery notice, gave up', makeMessage('delivery_notice', { alert, outcome: 'gave_up', recipients: ['channel:C0OPS'], why: 'Slack did not answer in time' })],
  ['new rows by email', makeMessage('new_rows', { alert, columns: ['id', 'customer'], rows: [[1, 'a'], [2, 'b']], more: 3, total: 5 })],
];

/** What a reader of Slack sees, as plain text: entities decoded, mrkdwn marks and link syntax dropped. */
function slackReads(json: string): string {
  return json
    .replace(/\\n/g, '\n')
    .replace(/\\"/g, '"')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<[@#]([A-Z0-9]+)>/g, '$1')
    .replace(/[*`_]/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Inlines as email's plain text writes them: mentions keep their # and @ (Slack draws them as links). */
function emailInlines(inlines: readonly Inline[]): string {
  return inlines.map((i) => (typeof i !== 'string' && 'channel' in i ? `#${i.channel}` : typeof i !== 'string' && 'user' in i ? `@${i.user}` : plainInlines([i]))).join('');
}

/** The sentences a part says: what both renderers must show (`inlines` draws text with marks as the renderer does). */
function sentences(part: Part, inlines: (inlines: readonly Inline[]) => string = plainInlines): string[] {
  switch (part.kind) {
    case 'heading':
      return [part.text];
    case 'paragraph':
    case 'note':
      return [inlines(part.inlines)];
    case 'code':
      return part.text.split('\n');
    case 'template':
      return [part.text];
    case 'list':
      return part.items.map(inlines);
    default:
      return []; // tables, pictures, files and buttons are drawn differently by design
  }
}

describe.each(variants)('a %s message', (_, message) => {
  const doc = composeMessage(message);
  const slack = renderSlack(doc, { surface: 'message' }).message;
  const email = renderEmail(doc, { attachments: showsContent(message) ? message.attachments : [], executionId: message.executionId });

  it('says every sentence of its document in Slack and in email, word for word', () => {
    const inSlack = slackReads(JSON.stringify(slack.blocks));
    const said = doc.parts.flatMap((p) => sentences(p)).filter((s) => s.trim() !== '');
    expect(said.length).toBeGreaterThan(0);
    for (const sentence of said) expect(inSlack).toContain(slackReads(sentence.replace(/[*`_]/g, '')));
    for (const sentence of doc.parts.flatMap((p) => sentences(p, emailInlines))) expect(email.text).toContain(sentence);
  });

  it('has one summary: Slack\'s notification text and the mail\'s subject', () => {
    expect(slackReads(slack.text)).toBe(doc.summary.replace(/[*`_]/g, ''));
    expect(email.subject).toBe(`[Lookout] ${doc.summary}`);
  });
});
