// What Lookout says about the admins' mute of everything (`/alert mute all 2h`): the line Home and
// `/alert list` show while it lasts, and the confirmations of muting and unmuting.
import type { Mute } from '../domain/types.js';
import type { Inline } from './document.js';

/** "🔕 Everything muted until <time> by @ana" (the time in each reader's zone where Slack can; else `zone`). */
export function muteLine(mute: Mute, zone: string): Inline[] {
  return ['🔕 ', { bold: 'Everything muted' }, ' until ', { time: mute.until, zone }, ' by ', { user: mute.by }];
}

export function mutedLine(mute: Mute, zone: string): Inline[] {
  return [
    '🔕 Everything is muted until ',
    { time: mute.until, zone },
    '. Alerts keep running and are recorded; what they would send is held, and summed up once the mute ends (Run now still answers). ',
    { code: '/alert unmute all' },
    ' ends it sooner.',
  ];
}

export function unmutedLine(lifted: Mute | null): Inline[] {
  return lifted === null ? ['Nothing was muted.'] : ['🔔 The mute is over: Lookout sends again.'];
}
