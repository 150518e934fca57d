// What an alert or report says when it runs: firing (the first message of an incident),
// repeat (a reply in its thread while it keeps firing), report, and resolved. Built once as a
// MessageDoc; Slack and email draw the same parts.
import { wantsNativeChart } from '../domain/content.js';
import type { MessageDoc, Part } from './document.js';
import { nativeChart } from './native-chart.js';
import type { FiringMessage, ReportMessage, RepeatMessage, ResolvedMessage } from './outgoing.js';
import { resultTable } from './result-table.js';
import { capitalise, conditionWords, OPEN_DASHBOARD, provenance, valueLine } from './sentences.js';
import { renderMessageTemplate } from './template.js';
import { formatInZone } from './time.js';

type ContentMessage = FiringMessage | RepeatMessage | ReportMessage;

export function firingDoc(msg: FiringMessage | RepeatMessage): MessageDoc {
  const { alert } = msg;
  const condition = conditionWords(alert);
  const still = msg.kind === 'repeat' ? 'still firing' : 'firing';
  const value = msg.value !== null ? `: ${msg.value}` : '';
  const line = valueLine(alert, msg.value, 'Value');
  return {
    summary: `🔴 ${alert.name} is ${still}${value}${condition !== null ? ` (${condition})` : ''}`,
    parts: [
      { kind: 'heading', text: msg.kind === 'repeat' ? `🔴 ${alert.name} — still firing` : `🔴 ${alert.name}` },
      ...about(msg),
      ...(line !== null ? [{ kind: 'paragraph', inlines: line } satisfies Part] : []),
      ...contentParts(msg),
      { kind: 'actions', alert, buttons: ['runNow', 'snooze1h', 'snooze1d', 'snoozeUntil', 'pauseOrResume', 'history'] },
    ],
  };
}

export function reportDoc(msg: ReportMessage): MessageDoc {
  const { alert } = msg;
  return {
    summary: `📊 ${alert.name}`,
    parts: [
      { kind: 'heading', text: `📊 ${alert.name}` },
      ...about(msg),
      ...contentParts(msg),
      { kind: 'actions', alert, buttons: ['runNow', 'snooze1h', 'snooze1d', 'snoozeUntil', 'pauseOrResume', 'history'] },
    ],
  };
}

export function resolvedDoc(msg: ResolvedMessage): MessageDoc {
  const { alert } = msg;
  const line = valueLine(alert, msg.value, 'Value now');
  return {
    summary: `✅ ${alert.name} resolved`,
    parts: [
      { kind: 'paragraph', inlines: ['✅ ', { bold: alert.name }, ' resolved.'] },
      ...(line !== null ? [{ kind: 'paragraph', inlines: line } satisfies Part] : []),
      { kind: 'note', inlines: [`Evaluated ${formatInZone(msg.evaluatedAt, alert.schedule.timezone)}`] },
    ],
  };
}

/** The template when there is one, else the description; nothing when both are empty. */
function about(msg: ContentMessage): Part[] {
  const { alert } = msg;
  const template = alert.messageTemplate?.trim() ?? '';
  if (template !== '') {
    const data = { alert, value: msg.kind === 'report' ? null : msg.value, result: msg.result };
    const text = renderMessageTemplate(template, data, 'text');
    if (text.trim() === '') return [];
    return [{ kind: 'template', mrkdwn: renderMessageTemplate(template, data, 'mrkdwn'), html: renderMessageTemplate(template, data, 'html'), text }];
  }
  const description = alert.description.trim();
  return description === '' ? [] : [{ kind: 'paragraph', inlines: [description] }];
}

/** Where the data came from, the dashboard link, the picture, the first rows, what is missing, the files. */
function contentParts(msg: ContentMessage): Part[] {
  const { alert } = msg;
  const parts: Part[] = [{ kind: 'note', inlines: provenance(alert.dataSource, formatInZone(msg.evaluatedAt, alert.schedule.timezone)) }];
  // Only the link people are meant to open: `url` may be an address only the browser can reach.
  const link = alert.content.kind === 'screenshot' ? alert.content.linkUrl?.trim() : undefined;
  if (link !== undefined && link !== '') parts.push({ kind: 'paragraph', inlines: ['🔗 ', { link, label: OPEN_DASHBOARD }] });
  const picture = pictureOf(msg);
  if (picture !== null) parts.push(picture);
  const table = resultTable(msg.result);
  if (table !== null) parts.push({ kind: 'table', table });
  for (const note of msg.contentNotes) parts.push({ kind: 'note', inlines: [`⚠️ ${capitalise(note)}`] });
  if (msg.attachments.length > 0) parts.push({ kind: 'files', names: msg.attachments.map((a) => a.filename) });
  return parts;
}

/** The chart or screenshot: Slack's own chart when the data fit and the alert wants it; the PNG otherwise. */
function pictureOf(msg: ContentMessage): Part | null {
  const { alert, result } = msg;
  const image = msg.attachments.find((a) => a.kind === 'image') ?? null;
  const content = alert.content;
  if (content.kind === 'chart') {
    if (content.chart === 'table') return image === null ? null : { kind: 'picture', native: null, image, summary: image.altText ?? image.title };
    const native = nativeChart(alert.name, content.chart, result);
    return {
      kind: 'picture',
      native: wantsNativeChart(content) && native.ok ? native.chart : null,
      image,
      summary: native.summary,
    };
  }
  return image === null ? null : { kind: 'picture', native: null, image, summary: image.altText ?? image.title };
}
