// A MessageDoc drawn as an email: HTML and plain text from the same parts, so they cannot drift
// apart, and both from the parts Slack draws, so email says what Slack says. The picture goes
// inline (cid), other files are attached; everything from outside is escaped in the HTML, styles
// are inline (mail clients drop <style>), and the subject stays on one line.
import type { Attachment } from '../../content/port.js';
import type { Inline, MessageDoc, Part } from '../document.js';
import { escapeHtml } from '../escape.js';
import type { ResultTable } from '../result-table.js';
import { capitalise, commandRef, rowsSummary } from '../sentences.js';
import { formatInZone } from '../time.js';

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

export function renderEmail(doc: MessageDoc, files: { attachments: readonly Attachment[]; executionId: string }): EmailContent {
  const picture = doc.parts.find((p): p is Extract<Part, { kind: 'picture' }> => p.kind === 'picture' && p.image !== null);
  const inlineIndex = picture?.image ? files.attachments.indexOf(picture.image) : -1;
  const cid = inlineIndex >= 0 ? `image${inlineIndex + 1}.${files.executionId.replace(/[^A-Za-z0-9-]/g, '')}@lookout` : null;
  const attachments = files.attachments.map(
    (a, i): EmailAttachment => ({ filename: a.filename, content: a.bytes, contentType: a.mimeType, ...(i === inlineIndex && cid !== null ? { cid } : {}) }),
  );
  const inlineName = inlineIndex >= 0 ? files.attachments[inlineIndex]?.filename : undefined;
  const blocks = doc.parts.map((part) => draw(part, cid, inlineName)).filter((b): b is Drawn => b !== null);
  return {
    subject: oneLine(`[Lookout] ${doc.summary}`, SUBJECT_CHARS),
    html: `<!doctype html><html><body><div style="${STYLE.body}">${blocks.map((b) => b.html).join('\n')}</div></body></html>`,
    text: `${blocks.map((b) => b.text).join('\n\n')}\n`,
    attachments,
  };
}

interface Drawn {
  html: string;
  text: string;
}

function draw(part: Part, cid: string | null, inlineName: string | undefined): Drawn | null {
  switch (part.kind) {
    case 'heading':
      return { html: `<h2 style="${STYLE.heading}${part.tone !== undefined ? TONE[part.tone] : ''}">${escapeHtml(part.text)}</h2>`, text: part.text };
    case 'paragraph':
      return { html: `<p style="${STYLE.p}">${inlinesHtml(part.inlines)}</p>`, text: inlinesText(part.inlines) };
    case 'note':
      return { html: `<p style="${STYLE.small}">${inlinesHtml(part.inlines)}</p>`, text: inlinesText(part.inlines) };
    case 'code':
      return {
        html: `<pre style="${STYLE.pre}">${escapeHtml(part.text)}</pre>`,
        text: part.text
          .split(/\r?\n/)
          .map((line) => `    ${line}`)
          .join('\n'),
      };
    case 'template':
      return part.text.trim() === '' ? null : { html: `<p style="${STYLE.p}">${part.html.replace(/\r?\n/g, '<br>')}</p>`, text: part.text };
    case 'picture': {
      if (part.image === null || cid === null) return null;
      const alt = part.image.altText ?? part.summary;
      return {
        html: `<p style="${STYLE.p}"><img src="cid:${escapeHtml(cid)}" alt="${escapeHtml(alt)}" style="${STYLE.img}"></p>`,
        text: `[Image: ${alt} — attached as ${part.image.filename}]`,
      };
    }
    case 'table':
      return table(part.table);
    case 'files': {
      const names = part.names.filter((n) => n !== inlineName);
      return names.length === 0 ? null : { html: `<p style="${STYLE.small}">${escapeHtml(`Attached: ${names.join(', ')}`)}</p>`, text: `Attached: ${names.join(', ')}` };
    }
    case 'list':
      return {
        html: `<ul style="${STYLE.p}">${part.items.map((i) => `<li>${inlinesHtml(i)}</li>`).join('')}</ul>`,
        text: part.items.map((i) => `- ${inlinesText(i)}`).join('\n'),
      };
    case 'actions': {
      // Lookout's buttons live in Slack: the mail names the commands that do the same.
      const ref = commandRef(part.alert);
      const text = `In Slack: /alert run ${ref} runs it now, /alert snooze ${ref} 1h silences it for an hour, /alert pause ${ref} stops it.`;
      return { html: `<p style="${STYLE.small}">${escapeHtml(text)}</p>`, text };
    }
  }
}

function table(t: ResultTable): Drawn {
  const columns = Math.min(t.columns.length, EMAIL_TABLE.columns);
  const more = t.columns.length > columns;
  const header = t.columns.slice(0, columns).map((c) => oneLine(c, EMAIL_TABLE.cellChars));
  const body = t.rows.slice(0, EMAIL_TABLE.rows).map((r) => r.slice(0, columns).map((c) => oneLine(c, EMAIL_TABLE.cellChars)));
  if (more) {
    header.push('…');
    body.forEach((r) => r.push('…'));
  }
  const summary = `${capitalise(rowsSummary(body.length, t.total, t.truncated))}${more ? `, first ${columns} of ${t.columns.length} columns` : ''}`;
  const cell = (tag: 'th' | 'td', text: string, right: boolean) => `<${tag} style="${STYLE.cell}${right ? ';text-align:right' : ''}">${escapeHtml(text)}</${tag}>`;
  const html =
    `<p style="${STYLE.small}">${escapeHtml(summary)}</p><table style="${STYLE.table}">` +
    `<tr>${header.map((h, i) => cell('th', h, t.numeric[i] === true)).join('')}</tr>` +
    body.map((r) => `<tr>${r.map((c, i) => cell('td', c, t.numeric[i] === true)).join('')}</tr>`).join('') +
    '</table>';
  return { html, text: `${summary}\n${textTable(header, body)}` };
}

function inlinesHtml(inlines: readonly Inline[]): string {
  return inlines
    .map((i) => {
      if (typeof i === 'string') return escapeHtml(i).replace(/\r?\n/g, '<br>');
      if ('bold' in i) return `<strong>${escapeHtml(i.bold)}</strong>`;
      if ('code' in i) return `<code style="${STYLE.code}">${escapeHtml(i.code)}</code>`;
      if ('link' in i) return /^https?:\/\//i.test(i.link) ? `<a href="${escapeHtml(i.link)}">${escapeHtml(i.label)}</a>` : escapeHtml(`${i.label}: ${i.link}`);
      if ('user' in i) return escapeHtml(`@${i.user}`);
      if ('time' in i) return escapeHtml(formatInZone(i.time, i.zone));
      if ('group' in i) return escapeHtml(`@${i.group}`);
      return escapeHtml(`#${i.channel}`);
    })
    .join('');
}

function inlinesText(inlines: readonly Inline[]): string {
  return inlines
    .map((i) => {
      if (typeof i === 'string') return i;
      if ('bold' in i) return i.bold;
      if ('code' in i) return i.code;
      if ('link' in i) return `${i.label}: ${i.link}`;
      if ('user' in i) return `@${i.user}`;
      if ('time' in i) return formatInZone(i.time, i.zone);
      if ('group' in i) return `@${i.group}`;
      return `#${i.channel}`;
    })
    .join('');
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

/** On one line (a header injection needs a line break), and cut to `max` characters. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Each level's colour, as a left rule on the heading (the emoji says it in Slack and in the text part). */
const TONE = {
  critical: ';border-left:4px solid #d93025;padding-left:8px',
  warning: ';border-left:4px solid #f29900;padding-left:8px',
  resolved: ';border-left:4px solid #1e8e3e;padding-left:8px',
  new: ';border-left:4px solid #1a73e8;padding-left:8px',
} as const;

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
