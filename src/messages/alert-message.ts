// What an alert or report says when it runs: firing (the first message of an incident),
// repeat (a reply in its thread while it keeps firing), report, and resolved. Built once as a
// MessageDoc; Slack and email draw the same parts.
import { wantsNativeChart } from '../domain/content.js';
import type { SeriesReport } from '../domain/decide-result.js';
import { acknowledgedParts } from './acknowledgement.js';
import type { Incident, MessageDoc, Part } from './document.js';
import { changeLine, changesSummary, firingNowLine, LEVEL_EMOJI, pendingLine, SERIES_SHOWN, toneOf, updateWords, worstLevel } from './series-lines.js';
import type { AlertButton } from './slack/alert-actions.js';
import { nativeChart } from './native-chart.js';
import type { FiringMessage, ReportMessage, RepeatMessage, ResolvedMessage } from './outgoing.js';
import { resultTable } from './result-table.js';
import { capitalise, conditionWords, OPEN_DASHBOARD, provenance, valueLine } from './sentences.js';
import { renderMessageTemplate } from './template.js';
import { formatInZone } from './time.js';
import { mentionParts, promptPart } from './triage-lines.js';

type ContentMessage = FiringMessage | RepeatMessage | ReportMessage;

const ALERT_BUTTONS: AlertButton[] = ['runNow', 'snooze1h', 'snooze1d', 'snoozeUntil', 'pauseOrResume', 'history'];
const FIRING_BUTTONS: AlertButton[] = ['acknowledge', ...ALERT_BUTTONS];

/**
 * The incident a firing or repeat message is about: it began at the alert's firingSince, or, for
 * the first message of an incident (the tick that sets firingSince), at this tick.
 */
function incidentOf(msg: FiringMessage | RepeatMessage): Incident {
  return { since: msg.alert.firingSince ?? msg.scheduledAt, ack: msg.alert.ack };
}

/** Who acknowledged, and the buttons with Acknowledge (or Unacknowledge) first. */
function firingActions(msg: FiringMessage | RepeatMessage): Part[] {
  const incident = incidentOf(msg);
  return [...acknowledgedParts(msg.alert, incident.ack), { kind: 'actions', alert: msg.alert, buttons: FIRING_BUTTONS, incident }];
}

export function firingDoc(msg: FiringMessage | RepeatMessage): MessageDoc {
  if (msg.series !== null) return seriesFiringDoc(msg, msg.series);
  const { alert } = msg;
  const condition = conditionWords(alert);
  const still = msg.kind === 'repeat' ? 'still firing' : 'firing';
  const value = msg.value !== null ? `: ${msg.value}` : '';
  const line = valueLine(alert, msg.value, 'Value');
  return {
    summary: `${reminderLead(msg)}🔴 ${alert.name} is ${still}${value}${condition !== null ? ` (${condition})` : ''}`,
    parts: [
      { kind: 'heading', text: msg.kind === 'repeat' ? `🔴 ${alert.name} — still firing` : `🔴 ${alert.name}` },
      ...triageParts(msg),
      ...about(msg),
      ...(line !== null ? [{ kind: 'paragraph', inlines: line } satisfies Part] : []),
      ...contentParts(msg),
      ...firingActions(msg),
    ],
  };
}

/**
 * An alert with series or levels: what changed this tick (fired, level changes, repeats,
 * resolved), who fires now and who is waiting, then the content as for any firing message.
 */
function seriesFiringDoc(msg: FiringMessage | RepeatMessage, report: SeriesReport): MessageDoc {
  const { alert } = msg;
  const level = worstLevel(report.firing);
  const emoji = LEVEL_EMOJI[level];
  const condition = conditionWords(alert);
  const lines = report.changes.slice(0, SERIES_SHOWN).map((c) => changeLine(c, alert));
  const firingNow = firingNowLine(report, alert);
  const waiting = pendingLine(report, alert);
  return {
    summary: `${reminderLead(msg)}${emoji} ${alert.name}: ${changesSummary(report, alert)}`,
    parts: [
      { kind: 'heading', text: `${emoji} ${alert.name}${msg.kind === 'repeat' ? ` — ${updateWords(report, alert)}` : ''}`, tone: toneOf(level) },
      ...triageParts(msg),
      ...about(msg),
      { kind: 'list', items: lines, more: 'more series' },
      ...(firingNow !== null ? [{ kind: 'paragraph', inlines: firingNow } satisfies Part] : []),
      ...(waiting !== null ? [{ kind: 'paragraph', inlines: waiting } satisfies Part] : []),
      ...(condition !== null ? [{ kind: 'note', inlines: [`Condition: ${condition}`] } satisfies Part] : []),
      ...contentParts(msg),
      ...firingActions(msg),
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
      { kind: 'actions', alert, buttons: ALERT_BUTTONS },
    ],
  };
}

export function resolvedDoc(msg: ResolvedMessage): MessageDoc {
  const { alert } = msg;
  const line = msg.series !== null && alert.labels.length > 0 ? null : valueLine(alert, msg.value, 'Value now');
  const resolved = msg.series?.changes.filter((c) => c.event === 'resolved') ?? [];
  const listed = alert.labels.length > 0 && resolved.length > 0;
  return {
    summary: `✅ ${alert.name} resolved${listed ? ` (${resolved.length} ${resolved.length === 1 ? 'series' : 'series'})` : ''}`,
    parts: [
      { kind: 'paragraph', inlines: ['✅ ', { bold: alert.name }, ' resolved.'] },
      ...nonNull(promptPart(alert, msg.prompt, true)),
      ...(listed ? [{ kind: 'list', items: resolved.slice(0, SERIES_SHOWN).map((c) => changeLine(c, alert)), more: 'more series' } satisfies Part] : []),
      ...(line !== null ? [{ kind: 'paragraph', inlines: line } satisfies Part] : []),
      { kind: 'note', inlines: [`Evaluated ${formatInZone(msg.evaluatedAt, alert.schedule.timezone)}`] },
    ],
  };
}

/** Why the message comes now (a reminder, after quiet hours) and who it calls. */
function triageParts(msg: FiringMessage | RepeatMessage): Part[] {
  return [...nonNull(promptPart(msg.alert, msg.prompt)), ...mentionParts(msg.mentions)];
}

function reminderLead(msg: FiringMessage | RepeatMessage): string {
  return msg.prompt === 'reminder' ? 'Reminder: ' : '';
}

function nonNull(part: Part | null): Part[] {
  return part === null ? [] : [part];
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
