// A message as channel-neutral parts: what Lookout says, in order, with no Slack or HTML in it.
// messages/slack/render.ts draws it as Block Kit, messages/email/render.ts as HTML and text, so
// each sentence is written once (in the builders beside this file) and said alike everywhere.
import type { Attachment } from '../content/port.js';
import type { Alert } from '../domain/types.js';
import type { AlertButton, Incident } from './slack/alert-actions.js';

export type { Incident };
import type { NativeChart } from './native-chart.js';
import type { ResultTable } from './result-table.js';
import { formatInZone } from './time.js';

/** How serious a message is: its heading's colour where colour can be shown. */
export type Tone = 'critical' | 'warning' | 'resolved' | 'new';

/** A run of text; objects are marks the renderers draw their own way. */
export type Inline =
  | string
  | { bold: string }
  | { code: string }
  | { link: string; label: string }
  | { user: string }
  /** A Slack user group (S…): Slack notifies its members. */
  | { group: string }
  | { channel: string }
  /** A moment: Slack shows it in each reader's own timezone; elsewhere it reads in `zone`. */
  | { time: Date; zone: string };

export type Part =
  /** The title line (Slack header; email h2, coloured by its tone: Slack shows the tone by its emoji). */
  | { kind: 'heading'; text: string; tone?: Tone }
  | { kind: 'paragraph'; inlines: Inline[] }
  /** Small print: where the data came from, when, why you got this. `id` names it where a renderer can (Slack's block_id). */
  | { kind: 'note'; inlines: Inline[]; id?: string }
  /** A block of literal text (an error message). */
  | { kind: 'code'; text: string }
  /** The alert's own message template, already rendered for each format. */
  | { kind: 'template'; mrkdwn: string; html: string; text: string }
  /** The first rows of a result. */
  | { kind: 'table'; table: ResultTable }
  /**
   * The chart or screenshot: Slack draws `native` itself when it is set (else the PNG goes as a
   * file after the post); email shows `image` inline. `summary` says it in words.
   */
  | { kind: 'picture'; native: NativeChart | null; image: Attachment | null; summary: string }
  /** Files that go with the message (email lists them; Slack uploads them after the post). */
  | { kind: 'files'; names: string[] }
  /** Items, one line each; a renderer that must stop early ends with "…and N <more>". */
  | { kind: 'list'; items: Inline[][]; more: string }
  /** What people can do about the alert: Slack's buttons; email says the commands. */
  | { kind: 'actions'; alert: Pick<Alert, 'id' | 'name' | 'active'>; buttons: AlertButton[]; incident?: Incident };

export interface MessageDoc {
  /**
   * One line that stands for the whole message: Slack's notification text (and what screen
   * readers and clients without blocks show), the email's subject.
   */
  summary: string;
  parts: Part[];
}

/** The text of inlines with their marks dropped: what a renderer must show, in words. */
export function plainInlines(inlines: readonly Inline[]): string {
  return inlines
    .map((i) => {
      if (typeof i === 'string') return i;
      if ('bold' in i) return i.bold;
      if ('code' in i) return i.code;
      if ('link' in i) return i.label;
      if ('user' in i) return i.user;
      if ('time' in i) return formatInZone(i.time, i.zone);
      if ('group' in i) return i.group;
      return i.channel;
    })
    .join('');
}
