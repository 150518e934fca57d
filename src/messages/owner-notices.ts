// What an alert's owners are told by DM and email: an execution failed (with the step, the last
// good run and what to do), or Slack failed for a recipient and the message went by email.
import type { MessageDoc } from './document.js';
import type { ErrorNotice, FallbackNotice } from './outgoing.js';
import { ownerFooter, STEP_NAMES, whatToDo } from './sentences.js';
import { formatInZone } from './time.js';

/** An error text longer than this is cut; the full text is in the execution history. */
const ERROR_CHARS = 2500;

export function errorNoticeDoc(msg: ErrorNotice): MessageDoc {
  const { alert } = msg;
  const zone = alert.schedule.timezone;
  return {
    summary: `⚠️ ${alert.name} failed: ${firstLine(msg.error)}`,
    parts: [
      { kind: 'heading', text: `⚠️ ${alert.name} failed` },
      { kind: 'paragraph', inlines: ['Lookout could not run ', { bold: alert.name }, ` (${alert.type}) for its ${formatInZone(msg.scheduledAt, zone)} run:`] },
      { kind: 'code', text: cut(msg.error, ERROR_CHARS) },
      {
        kind: 'paragraph',
        inlines: [
          ...(msg.failedStep !== null ? [{ bold: 'Failed step:' }, ` ${STEP_NAMES[msg.failedStep]} · `] : []),
          { bold: 'Last good run:' },
          ` ${msg.lastGoodRunAt !== null ? formatInZone(msg.lastGoodRunAt, zone) : 'never'}`,
        ],
      },
      { kind: 'paragraph', inlines: whatToDo(msg.failedStep, alert) },
      { kind: 'note', inlines: ['Data source: ', { bold: alert.dataSource }, ` · Evaluated ${formatInZone(msg.evaluatedAt, zone)} · ${ownerFooter(alert)}`] },
      { kind: 'actions', alert, buttons: ['runNow', 'pauseOrResume', 'history', 'edit'] },
    ],
  };
}

export function fallbackNoticeDoc(msg: FallbackNotice): MessageDoc {
  const { alert } = msg;
  return {
    summary: `✉️ ${alert.name}: sent by email because Slack failed`,
    parts: [
      { kind: 'heading', text: `✉️ ${alert.name}: sent by email because Slack failed` },
      { kind: 'paragraph', inlines: ['Slack did not take the message of ', { bold: alert.name }, ' for some recipients, so Lookout sent it by email instead:'] },
      { kind: 'code', text: cut(msg.error, ERROR_CHARS) },
      { kind: 'paragraph', inlines: whatToDo('delivery', alert) },
      { kind: 'note', inlines: [`Evaluated ${formatInZone(msg.evaluatedAt, alert.schedule.timezone)} · You own this ${alert.type}; you hear of every fallback.`] },
      { kind: 'actions', alert, buttons: ['runNow', 'pauseOrResume', 'history', 'edit'] },
    ],
  };
}

function firstLine(text: string): string {
  return cut(text.split('\n')[0] ?? '', 300);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
