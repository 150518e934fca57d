// What an alert's owners are told by DM and email: an execution failed (with the step, the last
// good run and what to do), Slack failed for a recipient and the message went by email, or a
// message whose outcome was unknown turned out not to have arrived (or could not be checked).
import type { MessageDoc } from './document.js';
import type { DeliveryNotice, ErrorNotice, FallbackNotice } from './outgoing.js';
import { commandRef, ownerFooter, recipientsInlines, STEP_NAMES, whatToDo } from './sentences.js';
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

/**
 * A send Slack did not answer in time, looked for afterwards (reconciliation): not there
 * (`missing`), or Slack could not be asked for long enough that Lookout stopped trying (`gave_up`).
 */
export function deliveryNoticeDoc(msg: DeliveryNotice): MessageDoc {
  const { alert } = msg;
  const zone = alert.schedule.timezone;
  const run = formatInZone(msg.scheduledAt, zone);
  const where = recipientsInlines(msg.recipients);
  const runAgain = { code: `/alert run ${commandRef(alert)}` };
  const title = msg.outcome === 'missing' ? `⚠️ ${alert.name}: a message did not arrive` : `❔ ${alert.name}: Lookout cannot tell whether a message arrived`;
  const body: MessageDoc['parts'] =
    msg.outcome === 'missing'
      ? [
          { kind: 'paragraph', inlines: ['Slack did not answer in time when Lookout posted the ', { bold: run }, ' run of ', { bold: alert.name }, ' to ', ...where, '. Lookout looked for the message afterwards and it is not there. It was not sent again.'] },
          { kind: 'paragraph', inlines: [{ bold: 'What to do:' }, ' to send what the alert says now, run it with ', runAgain, '.'] },
        ]
      : [
          { kind: 'paragraph', inlines: ['Slack did not answer in time when Lookout posted the ', { bold: run }, ' run of ', { bold: alert.name }, ' to ', ...where, ', and Lookout could not find out afterwards whether the message arrived:'] },
          { kind: 'code', text: cut(msg.why ?? 'Slack did not answer', ERROR_CHARS) },
          { kind: 'paragraph', inlines: [{ bold: 'What to do:' }, ' look there for the message (it was not sent again, so it is there once or not at all); if it is missing, run the alert with ', runAgain, '.'] },
        ];
  return {
    summary: title,
    parts: [
      { kind: 'heading', text: title },
      ...body,
      { kind: 'note', inlines: [`Evaluated ${formatInZone(msg.evaluatedAt, zone)} · ${ownerFooter(alert)}`] },
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
