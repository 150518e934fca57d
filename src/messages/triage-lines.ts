// What triage adds to an alert's messages (issue 4/6): the line that says why a message comes
// now (a reminder, the summary after quiet hours or a mute) and the people it calls. Written
// once; Slack draws the mentions as mentions, email as @names.
import type { Alert } from '../domain/types.js';
import type { Inline, Part } from './document.js';
import type { Mentions, TriageFacts } from './outgoing.js';
import { formatInZone } from './time.js';

/** Unknown addresses a message lists at most. */
const UNKNOWN_SHOWN = 10;

type PromptAlert = Pick<Alert, 'firingSince' | 'heldSince' | 'reminded' | 'schedule'>;

/** "⏰ Reminder 2: firing since …; nobody has acknowledged it." / "🌙 Held since …". */
export function promptPart(alert: PromptAlert, prompt: TriageFacts['prompt'], resolved = false): Part | null {
  if (prompt === undefined || prompt === null) return null;
  const tz = alert.schedule.timezone;
  if (prompt === 'reminder') {
    const since = alert.firingSince !== null ? ` since ${formatInZone(alert.firingSince, tz)}` : '';
    return { kind: 'paragraph', inlines: [{ bold: `⏰ Reminder ${alert.reminded.sent + 1}:` }, ` firing${since}, and nobody has acknowledged it.`] };
  }
  const held = alert.heldSince !== null ? ` since ${formatInZone(alert.heldSince, tz)}` : '';
  const what = resolved ? 'It resolved meanwhile.' : 'This is where it stands now.';
  return { kind: 'paragraph', inlines: [{ bold: '🌙 After quiet hours:' }, ` messages were held${held} (quiet hours or a maintenance mute). ${what}`] };
}

/** The people a firing message calls, and the addresses Slack did not know. */
export function mentionParts(mentions: Mentions | null | undefined): Part[] {
  if (mentions === null || mentions === undefined) return [];
  const parts: Part[] = [];
  const called: Inline[] = [...mentions.users.map((user) => ({ user })), ...mentions.groups.map((group) => ({ group }))];
  if (called.length > 0) {
    const inlines: Inline[] = ['🔔 '];
    called.forEach((c, i) => inlines.push(...(i > 0 ? [' ', c] : [c])));
    parts.push({ kind: 'paragraph', inlines });
  }
  if (mentions.unknown.length > 0) {
    const shown = mentions.unknown.slice(0, UNKNOWN_SHOWN).join(', ');
    const more = mentions.unknown.length > UNKNOWN_SHOWN ? `, and ${mentions.unknown.length - UNKNOWN_SHOWN} more` : '';
    parts.push({ kind: 'note', inlines: [`Not found in Slack, so not mentioned: ${shown}${more}`] });
  }
  return parts;
}
