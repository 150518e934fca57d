// The first message of an incident, rewritten in place (Slack's chat.update) to show where the
// alert stands now: still firing since when with the last value (and, with series, which fire
// now at which level), or resolved and when; who acknowledged it, and the button that does.
// While firing it notes when the status last changed: a run that changes nothing of it is only a
// reply in the thread (delivery/slack/slack-delivery.ts compares `firingStatusShown`).
import type { Alert } from '../domain/types.js';
import type { SeriesReport } from '../domain/decide-result.js';
import { acknowledgedParts } from './acknowledgement.js';
import type { Incident, MessageDoc, Part } from './document.js';
import { firingNowLine, LEVEL_EMOJI, toneOf, worstLevel } from './series-lines.js';
import { conditionWords } from './sentences.js';
import { formatInZone } from './time.js';

export function firingStatusDoc(alert: Alert, state: 'firing' | 'resolved', lastValue: string | null, at: Date, series: SeriesReport | null = null): MessageDoc {
  return statusDoc(alert, state, lastValue, at, series, true);
}

/** The same status without the time it was drawn: two runs whose status this shows alike change nothing on the message. */
export function firingStatusShown(alert: Alert, state: 'firing' | 'resolved', lastValue: string | null, at: Date, series: SeriesReport | null = null): MessageDoc {
  return statusDoc(alert, state, lastValue, at, series, false);
}

function statusDoc(alert: Alert, state: 'firing' | 'resolved', lastValue: string | null, at: Date, series: SeriesReport | null, stamped: boolean): MessageDoc {
  const zone = alert.schedule.timezone;
  const condition = conditionWords(alert);
  const conditionPart = condition !== null ? ` — condition: ${condition}` : '';
  const incident: Incident = { since: alert.firingSince ?? at, ack: alert.ack };
  const firingButtons = { kind: 'actions', alert, buttons: ['acknowledge', 'runNow', 'snooze1h', 'snooze1d', 'pauseOrResume', 'history'], incident } satisfies Part;
  if (state === 'firing' && series !== null) {
    // An alert with series or levels: the series firing now, each with its level and value.
    const level = worstLevel(series.firing);
    const firingNow = firingNowLine(series, alert);
    const one = series.firing[0];
    const single = one !== undefined && alert.labels.length === 0 ? [' — ', { bold: `${one.level ?? 'critical'}` }, ...(one.value !== null ? [', value ', { bold: one.value }] : [])] : [];
    return {
      summary: `${LEVEL_EMOJI[level]} ${alert.name} is firing`,
      parts: [
        { kind: 'heading', text: `${LEVEL_EMOJI[level]} ${alert.name}`, tone: toneOf(level) },
        { kind: 'paragraph', inlines: [{ bold: 'Firing' }, ` since ${formatInZone(alert.firingSince ?? at, zone)}`, ...single, conditionPart] },
        ...(firingNow !== null ? [{ kind: 'paragraph', inlines: firingNow } satisfies Part] : []),
        ...acknowledgedParts(alert, alert.ack),
        ...(stamped ? [changedNote(at, zone)] : []),
        firingButtons,
      ],
    };
  }
  if (state === 'firing') {
    return {
      summary: `🔴 ${alert.name} is firing`,
      parts: [
        { kind: 'heading', text: `🔴 ${alert.name}` },
        {
          kind: 'paragraph',
          inlines: [{ bold: 'Firing' }, ` since ${formatInZone(alert.firingSince ?? at, zone)}`, ...(lastValue !== null ? [' — last value ', { bold: lastValue }] : []), conditionPart],
        },
        ...acknowledgedParts(alert, alert.ack),
        ...(stamped ? [changedNote(at, zone)] : []),
        firingButtons,
      ],
    };
  }
  return {
    summary: `✅ ${alert.name} resolved at ${formatInZone(at, zone)}`,
    parts: [
      { kind: 'heading', text: `✅ ${alert.name}` },
      { kind: 'paragraph', inlines: [{ bold: 'Resolved' }, ` at ${formatInZone(at, zone)}`, ...(lastValue !== null ? [' — value now ', { bold: lastValue }] : []), conditionPart] },
      // Who took it while it fired stays on record.
      ...acknowledgedParts(alert, alert.ack),
      { kind: 'actions', alert, buttons: ['runNow', 'pauseOrResume', 'history'] },
    ],
  };
}

/** When the status shown last changed (runs that changed nothing are replies in the thread only). */
function changedNote(at: Date, zone: string): Part {
  return { kind: 'note', inlines: [`Last changed ${formatInZone(at, zone)} · every run is in the thread`] };
}
