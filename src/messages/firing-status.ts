// The first message of an incident, rewritten in place (Slack's chat.update) to show where the
// alert stands now: still firing since when with the last value, or resolved and when.
import type { Alert } from '../domain/types.js';
import type { MessageDoc } from './document.js';
import { conditionWords } from './sentences.js';
import { formatInZone } from './time.js';

export function firingStatusDoc(alert: Alert, state: 'firing' | 'resolved', lastValue: string | null, at: Date): MessageDoc {
  const zone = alert.schedule.timezone;
  const condition = conditionWords(alert);
  const conditionPart = condition !== null ? ` — condition: ${condition}` : '';
  if (state === 'firing') {
    return {
      summary: `🔴 ${alert.name} is firing`,
      parts: [
        { kind: 'heading', text: `🔴 ${alert.name}` },
        {
          kind: 'paragraph',
          inlines: [{ bold: 'Firing' }, ` since ${formatInZone(alert.firingSince ?? at, zone)}`, ...(lastValue !== null ? [' — last value ', { bold: lastValue }] : []), conditionPart],
        },
        { kind: 'note', inlines: [`Updated ${formatInZone(at, zone)}`] },
        { kind: 'actions', alert, buttons: ['runNow', 'snooze1h', 'snooze1d', 'pauseOrResume', 'history'] },
      ],
    };
  }
  return {
    summary: `✅ ${alert.name} resolved at ${formatInZone(at, zone)}`,
    parts: [
      { kind: 'heading', text: `✅ ${alert.name}` },
      { kind: 'paragraph', inlines: [{ bold: 'Resolved' }, ` at ${formatInZone(at, zone)}`, ...(lastValue !== null ? [' — value now ', { bold: lastValue }] : []), conditionPart] },
      { kind: 'actions', alert, buttons: ['runNow', 'pauseOrResume', 'history'] },
    ],
  };
}
