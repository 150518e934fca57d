// What an alert or report says by email: the same facts as the Slack message
// (slack/blocks/alert-message.ts), for people who are not on Slack. The message is built once as
// a list of parts and rendered twice, so the HTML and the plain text cannot drift apart.
// Everything user-written is escaped in HTML; styles are inline because mail clients drop <style>.
import { describeCondition } from '../../domain/condition.js';
import type { Alert, Cell, QueryResult } from '../../domain/types.js';
import { escapeHtml } from '../../content/escape.js';
import { renderMessageTemplate } from '../../content/message-template.js';
import type { Attachment } from '../../content/port.js';
import { commandRef } from '../../slack/commands/parse-alert-command.js';
import { formatInZone } from '../../slack/blocks/mrkdwn.js';
import { rowsSummary } from '../../slack/blocks/table.js';
import type { FailedStep, OutgoingMessage } from '../port.js';

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Set on the image shown inline: the HTML refers to it as `cid:<cid>`. */
  cid?: string;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

/** The table of first rows: small, because a mail is a message, not the report itself. */
export const EMAIL_TABLE = { rows: 20, columns: 8, cellChars: 60 } as const;
/** Subjects longer than this are cut: some clients and servers choke on very long ones. */
const SUBJECT_CHARS = 200;
/** An error text longer than this is cut; the full text is in the execution history. */
const ERROR_CHARS = 4000;

type Inline = string | { b: string } | { code: string };
type Part =
  | { kind: 'heading'; text: string }
  | { kind: 'p'; inlines: Inline[] }
  | { kind: 'small'; text: string }
  /** Already rendered for each format (the message template). */
  | { kind: 'rendered'; html: string; text: string }
  | { kind: 'pre'; text: string }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'image'; cid: string; alt: string; filename: string }
  | { kind: 'table'; summary: string; header: string[]; rows: string[][] };

export function buildEmail(message: OutgoingMessage): EmailContent {
  // Only firing and report messages show content; other kinds keep any files as plain attachments.
  const showsContent = message.kind === 'firing' || message.kind === 'report';
  const { attachments, image } = emailAttachments(message, showsContent);
  const { parts, subject } = content(message, image);
  return {
    subject: oneLine(`[Lookout] ${subject}`, SUBJECT_CHARS),
    html: renderHtml(parts),
    text: renderText(parts),
    attachments,
  };
}

function content(msg: OutgoingMessage, image: Part | null): { subject: string; parts: Part[] } {
  const { alert } = msg;
  switch (msg.kind) {
    case 'firing':
      return {
        subject: `🔴 ${alert.name} is firing${msg.value !== null ? `: ${msg.value}` : ''}`,
        parts: [{ kind: 'heading', text: `🔴 ${alert.name}` }, ...about(msg), ...valueLine(msg, 'Value'), ...contentParts(msg, image), manage(alert)],
      };
    case 'report':
      return {
        subject: `📊 ${alert.name}`,
        parts: [{ kind: 'heading', text: `📊 ${alert.name}` }, ...about(msg), ...contentParts(msg, image), manage(alert)],
      };
    case 'resolved':
      return {
        subject: `✅ ${alert.name} resolved`,
        parts: [
          { kind: 'heading', text: `✅ ${alert.name} resolved` },
          ...valueLine(msg, 'Value now'),
          { kind: 'small', text: `Evaluated ${when(msg.evaluatedAt, alert)}` },
        ],
      };
    case 'error_notice':
      return { subject: `⚠️ ${alert.name} failed`, parts: errorNotice(msg) };
    case 'fallback_notice':
      return { subject: `${alert.name}: sent by email because Slack failed`, parts: fallbackNotice(msg) };
  }
}

function errorNotice(msg: OutgoingMessage): Part[] {
  const { alert } = msg;
  const ref = commandRef(alert);
  const step = msg.failedStep;
  return [
    { kind: 'heading', text: `⚠️ ${alert.name} failed` },
    { kind: 'p', inlines: ['Lookout could not run ', { b: alert.name }, ` (${alert.type}) for its ${when(msg.scheduledAt, alert)} run.`] },
    { kind: 'pre', text: cut(msg.error ?? 'an unknown error', ERROR_CHARS) },
    ...(step !== null ? [{ kind: 'p', inlines: [{ b: 'Failed step:' }, ` ${STEPS[step]}`] } satisfies Part] : []),
    { kind: 'p', inlines: [{ b: 'Last good run:' }, ` ${msg.lastGoodRunAt ? when(msg.lastGoodRunAt, alert) : 'never'}`] },
    {
      kind: 'p',
      inlines: [
        { b: 'What to do:' },
        ` ${step !== null ? FIXES[step] : `${FIXES.query}, and ${FIXES.delivery}`} (`,
        { code: `/alert edit ${ref}` },
        ', then Test query), then run it again with ',
        { code: `/alert run ${ref}` },
        '. To stop it meanwhile: ',
        { code: `/alert pause ${ref}` },
        '.',
      ],
    },
    {
      kind: 'small',
      text:
        `Data source: ${alert.dataSource} · Evaluated ${when(msg.evaluatedAt, alert)} · You own this ${alert.type}; ` +
        'you are not told again within the grace period (at least an hour) while it keeps failing.',
    },
  ];
}

function fallbackNotice(msg: OutgoingMessage): Part[] {
  const { alert } = msg;
  return [
    { kind: 'heading', text: `${alert.name}: sent by email because Slack failed` },
    { kind: 'p', inlines: ['Slack did not take the message of ', { b: alert.name }, ' for some recipients, so Lookout sent it by email instead:'] },
    { kind: 'pre', text: cut(msg.error ?? 'Slack failed for a recipient', ERROR_CHARS) },
    {
      kind: 'p',
      inlines: [
        { b: 'What to do:' },
        ' for a channel, invite Lookout to it (',
        { code: '/invite @Lookout' },
        '); otherwise change the recipients with ',
        { code: `/alert edit ${commandRef(alert)}` },
        '.',
      ],
    },
    { kind: 'small', text: `Evaluated ${when(msg.evaluatedAt, alert)} · You own this ${alert.type}.` },
  ];
}

const STEPS: Record<FailedStep, string> = {
  query: 'the query (running the SQL on the data source)',
  condition: "the condition (checking the query's result)",
  delivery: 'delivery (sending the message to its recipients)',
};

const FIXES: Record<FailedStep, string> = {
  query: 'fix the SQL or the data source',
  condition: 'make the SQL return one row with one value, or change the condition',
  delivery: 'check that Lookout is in every channel it posts to and that the addresses are right',
};

/** The template when there is one, else the description; nothing when both are empty. */
function about(msg: OutgoingMessage): Part[] {
  const { alert } = msg;
  const template = alert.messageTemplate?.trim() ?? '';
  if (template !== '') {
    const data = { alert, value: msg.value, result: msg.result };
    const text = renderMessageTemplate(template, data, 'text');
    return text.trim() === '' ? [] : [{ kind: 'rendered', html: renderMessageTemplate(template, data, 'html'), text }];
  }
  const description = alert.description.trim();
  return description === '' ? [] : [{ kind: 'p', inlines: [description] }];
}

function valueLine(msg: OutgoingMessage, label: string): Part[] {
  const condition = msg.alert.condition ? `condition: ${describeCondition(msg.alert.condition)}` : null;
  if (msg.value === null && condition === null) return [];
  const inlines: Inline[] = msg.value !== null ? [`${label}: `, { b: msg.value }] : [];
  if (condition !== null) inlines.push(msg.value !== null ? ` — ${condition}` : condition);
  return [{ kind: 'p', inlines }];
}

/** Facts, the dashboard link, the first rows, what is missing and what is attached. */
function contentParts(msg: OutgoingMessage, image: Part | null): Part[] {
  const { alert } = msg;
  const parts: Part[] = [{ kind: 'small', text: `Data source: ${alert.dataSource} · Evaluated ${when(msg.evaluatedAt, alert)}` }];
  // Only the link people are meant to open: `url` may be an address only the browser can reach.
  const link = alert.content.kind === 'screenshot' ? alert.content.linkUrl : null;
  if (link !== null && link.trim() !== '') parts.push({ kind: 'link', label: 'Open the dashboard', url: link.trim() });
  if (image !== null) parts.push(image);
  const table = msg.result === null ? null : resultTable(msg.result);
  if (table !== null) parts.push(table);
  for (const note of msg.contentNotes) parts.push({ kind: 'p', inlines: [`⚠️ ${capitalise(note)}`] });
  const files = msg.attachments.filter((_, i) => image === null || i !== firstImage(msg.attachments));
  if (files.length > 0) parts.push({ kind: 'small', text: `Attached: ${files.map((a) => a.filename).join(', ')}` });
  return parts;
}

/** How to act on it from Slack, where Lookout's buttons live. */
function manage(alert: Alert): Part {
  const ref = commandRef(alert);
  return {
    kind: 'small',
    text: `In Slack: /alert run ${ref} runs it now, /alert snooze ${ref} 1h silences it for an hour, /alert pause ${ref} stops it.`,
  };
}

function resultTable(result: QueryResult): Part | null {
  const { columns, rows } = result;
  if (columns.length === 0 || rows.length === 0) return null;
  const shownColumns = Math.min(columns.length, EMAIL_TABLE.columns);
  const more = columns.length > shownColumns;
  const header = columns.slice(0, shownColumns).map((c) => oneLine(c, EMAIL_TABLE.cellChars));
  const body = rows.slice(0, EMAIL_TABLE.rows).map((row) => columns.slice(0, shownColumns).map((_, i) => cellText(row[i] ?? null)));
  if (more) {
    header.push('…');
    body.forEach((r) => r.push('…'));
  }
  const columnNote = more ? `, first ${shownColumns} of ${columns.length} columns` : '';
  return { kind: 'table', summary: `${capitalise(rowsSummary(body.length, rows.length, result.truncated))}${columnNote}`, header, rows: body };
}

function emailAttachments(msg: OutgoingMessage, showsContent: boolean): { attachments: EmailAttachment[]; image: Part | null } {
  const first = showsContent ? firstImage(msg.attachments) : -1;
  let image: Part | null = null;
  const attachments = msg.attachments.map((a: Attachment, i): EmailAttachment => {
    if (i !== first) return { filename: a.filename, content: a.bytes, contentType: a.mimeType };
    // Unique within the message is enough; the execution id keeps it stable for tests.
    const cid = `image${i + 1}.${msg.executionId.replace(/[^A-Za-z0-9-]/g, '')}@lookout`;
    image = { kind: 'image', cid, alt: a.altText ?? a.title, filename: a.filename };
    return { filename: a.filename, content: a.bytes, contentType: a.mimeType, cid };
  });
  return { attachments, image };
}

function firstImage(attachments: Attachment[]): number {
  return attachments.findIndex((a) => a.kind === 'image');
}

// ---------------------------------------------------------------------------------------------

const STYLE = {
  body: 'font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#1d1c1d;max-width:720px',
  heading: 'font-size:20px;margin:0 0 12px',
  p: 'margin:0 0 12px',
  small: 'margin:0 0 12px;font-size:12px;color:#616061',
  pre: 'margin:0 0 12px;padding:8px;background:#f6f6f6;border:1px solid #ddd;white-space:pre-wrap;font-family:Menlo,Consolas,monospace;font-size:12px',
  code: 'font-family:Menlo,Consolas,monospace;background:#f6f6f6;padding:0 3px',
  table: 'border-collapse:collapse;margin:0 0 12px;font-size:12px',
  cell: 'border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top',
  img: 'max-width:100%;height:auto;border:1px solid #ddd',
} as const;

function renderHtml(parts: Part[]): string {
  const body = parts.map((p) => {
    switch (p.kind) {
      case 'heading':
        return `<h2 style="${STYLE.heading}">${escapeHtml(p.text)}</h2>`;
      case 'p':
        return `<p style="${STYLE.p}">${p.inlines.map(inlineHtml).join('')}</p>`;
      case 'small':
        return `<p style="${STYLE.small}">${escapeHtml(p.text)}</p>`;
      case 'rendered':
        return `<p style="${STYLE.p}">${p.html.replace(/\r?\n/g, '<br>')}</p>`;
      case 'pre':
        return `<pre style="${STYLE.pre}">${escapeHtml(p.text)}</pre>`;
      case 'link':
        return /^https?:\/\//i.test(p.url)
          ? `<p style="${STYLE.p}">🔗 <a href="${escapeHtml(p.url)}">${escapeHtml(p.label)}</a></p>`
          : `<p style="${STYLE.p}">🔗 ${escapeHtml(`${p.label}: ${p.url}`)}</p>`;
      case 'image':
        return `<p style="${STYLE.p}"><img src="cid:${escapeHtml(p.cid)}" alt="${escapeHtml(p.alt)}" style="${STYLE.img}"></p>`;
      case 'table':
        return (
          `<p style="${STYLE.small}">${escapeHtml(p.summary)}</p>` +
          `<table style="${STYLE.table}"><tr>${p.header.map((h) => `<th style="${STYLE.cell}">${escapeHtml(h)}</th>`).join('')}</tr>` +
          p.rows.map((r) => `<tr>${r.map((c) => `<td style="${STYLE.cell}">${escapeHtml(c)}</td>`).join('')}</tr>`).join('') +
          '</table>'
        );
    }
  });
  return `<!doctype html><html><body><div style="${STYLE.body}">${body.join('\n')}</div></body></html>`;
}

function inlineHtml(inline: Inline): string {
  if (typeof inline === 'string') return escapeHtml(inline).replace(/\r?\n/g, '<br>');
  if ('b' in inline) return `<strong>${escapeHtml(inline.b)}</strong>`;
  return `<code style="${STYLE.code}">${escapeHtml(inline.code)}</code>`;
}

function renderText(parts: Part[]): string {
  const blocks = parts.map((p) => {
    switch (p.kind) {
      case 'heading':
        return p.text;
      case 'p':
        return p.inlines.map((i) => (typeof i === 'string' ? i : 'b' in i ? i.b : i.code)).join('');
      case 'small':
        return p.text;
      case 'rendered':
        return p.text;
      case 'pre':
        return p.text
          .split(/\r?\n/)
          .map((line) => `    ${line}`)
          .join('\n');
      case 'link':
        return `🔗 ${p.label}: ${p.url}`;
      case 'image':
        return `[Image: ${p.alt} — attached as ${p.filename}]`;
      case 'table':
        return `${p.summary}\n${textTable(p.header, p.rows)}`;
    }
  });
  return `${blocks.join('\n\n')}\n`;
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------


function when(date: Date, alert: Alert): string {
  return formatInZone(date, alert.schedule.timezone);
}

function cellText(cell: Cell): string {
  return cell === null ? 'NULL' : oneLine(String(cell), EMAIL_TABLE.cellChars);
}

/** On one line (a header injection needs a line break), and cut to `max` characters. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return cut(text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim(), max);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
