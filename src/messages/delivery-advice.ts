// What went wrong with one delivery and what to do about it, for history, `/alert doctor` and
// Home. An execution keeps each failure as the sentence the delivery wrote (Slack's from the
// error table in slack-api/slack-errors.ts, the mail server's from the email delivery), so the
// cause is recognised from that sentence: the table's own sentences are matched first, then a
// few known shapes. The advice names the destination ("`/invite @Lookout` in #ops"); where the
// table's sentence already says what to do, that sentence is the advice (said once).
import { SLACK_ERRORS, slackErrorInfo } from '../slack-api/slack-errors.js';
import type { Alert } from '../domain/types.js';
import type { Inline } from './document.js';
import { recipientInline, type RecipientRef } from './recipient-ref.js';
import { commandRef } from './sentences.js';

export type DeliveryCause =
  /** Slack's error codes the sentence stands for (several share one sentence); `scope` for missing_scope. */
  | { kind: 'slack'; codes: string[]; scope: string | null }
  /** A code Slack gave that the table does not know. */
  | { kind: 'slack_other'; code: string }
  | { kind: 'slack_http' }
  | { kind: 'slack_network' }
  | { kind: 'slack_unreachable' }
  | { kind: 'timeout' }
  | { kind: 'smtp_mailbox' }
  | { kind: 'smtp_sender' }
  | { kind: 'smtp_login' }
  | { kind: 'smtp_tls' }
  | { kind: 'smtp_refused' }
  | { kind: 'smtp_unreachable' }
  | { kind: 'smtp_connection' }
  | { kind: 'bad_address' }
  | { kind: 'not_set_up'; setting: string }
  | { kind: 'bug' }
  | { kind: 'unknown' };

/** The table's sentences, longest first (so none is taken for a shorter one it starts with), each with its codes. */
const TABLE: readonly { pattern: RegExp; codes: string[] }[] = (() => {
  const byMessage = new Map<string, string[]>();
  for (const [code, info] of Object.entries(SLACK_ERRORS)) byMessage.set(info.message, [...(byMessage.get(info.message) ?? []), code]);
  return [...byMessage.entries()]
    .sort(([a], [b]) => b.length - a.length)
    .map(([message, codes]) => ({ pattern: new RegExp(`^${escapeRegExp(message).replace(escapeRegExp('{needed}'), '(.+?)')}`), codes }));
})();

/** Shapes of the other sentences deliveries write (slack-api/call.ts, delivery/email, delivery/routing). */
const SHAPES: readonly [RegExp, (m: RegExpExecArray) => DeliveryCause][] = [
  [/^Slack rate-limited Lookout/, () => ({ kind: 'slack', codes: ['ratelimited'], scope: null })],
  [/^Slack refused the request with the error "([^"]+)"/, (m) => ({ kind: 'slack_other', code: m[1] ?? '' })],
  [/^Slack answered HTTP/, () => ({ kind: 'slack_http' })],
  [/^Lookout could not connect to Slack/, () => ({ kind: 'slack_unreachable' })],
  [/^the (request|connection) to Slack failed/, () => ({ kind: 'slack_network' })],
  [/working timeout/, () => ({ kind: 'timeout' })],
  [/^the mail server refused the sender/, () => ({ kind: 'smtp_sender' })],
  [/^the mail server refused /, () => ({ kind: 'smtp_mailbox' })],
  [/^the mail server at .* (refused Lookout's login|could not log Lookout in)/, () => ({ kind: 'smtp_login' })],
  [/^TLS with the mail server/, () => ({ kind: 'smtp_tls' })],
  [/^the mail server at .* refused the message/, () => ({ kind: 'smtp_refused' })],
  [/^the mail server at .* could not be reached/, () => ({ kind: 'smtp_unreachable' })],
  [/^the connection to the mail server/, () => ({ kind: 'smtp_connection' })],
  [/is not an email address Lookout can send to/, () => ({ kind: 'bad_address' })],
  [/is not set up on this Lookout \((\w+) is not set\)/, (m) => ({ kind: 'not_set_up', setting: m[1] ?? '' })],
  [/\(a bug\)|^unexpected (delivery )?failure|cannot send to an email address|sends only to email addresses/, () => ({ kind: 'bug' })],
];

/** The cause of a failed delivery, from the sentence its record keeps. */
export function recognizeDeliveryError(error: string): DeliveryCause {
  const text = error.trim();
  for (const { pattern, codes } of TABLE) {
    const m = pattern.exec(text);
    // "a required" is what the table says when Slack named no scope.
    if (m !== null) return { kind: 'slack', codes, scope: m[1] !== undefined && m[1] !== 'a required' ? m[1] : null };
  }
  for (const [pattern, cause] of SHAPES) {
    const m = pattern.exec(text);
    if (m !== null) return cause(m);
  }
  return { kind: 'unknown' };
}

/**
 * The error in a few words: Slack's code where there is one ("not_in_channel"), else null (the
 * record's own sentence says it best).
 */
export function causeLabel(cause: DeliveryCause): string | null {
  switch (cause.kind) {
    case 'slack': {
      const [first, ...others] = cause.codes;
      if (first === undefined) return null;
      if (others.length > 0) return `one of ${cause.codes.join(', ')}`;
      return cause.scope !== null ? `${first} (${cause.scope})` : first;
    }
    case 'slack_other':
      return cause.code;
    default:
      return null;
  }
}

/** Said when nothing better is known: honest, and where to look next. */
export const UNKNOWN_ADVICE: Inline[] = [
  'Lookout has no advice for this error: the Lookout log has the details. If it keeps failing, a Lookout admin can run ',
  { code: '/alert doctor' },
  '.',
];

/** What to do, for this recipient of this alert. */
export function deliveryAdvice(cause: DeliveryCause, recipient: RecipientRef, alert: Pick<Alert, 'id' | 'name'>): Inline[] {
  const edit: Inline = { code: `/alert edit ${commandRef(alert)}` };
  const doctor: Inline = { code: '/alert doctor' };
  const who = recipientInline(recipient);
  const changeRecipients: Inline[] = ['change the recipients (', edit, ')'];
  switch (cause.kind) {
    case 'slack':
      return slackAdvice(cause, recipient, edit);
    case 'slack_other':
      return UNKNOWN_ADVICE;
    case 'slack_http':
      return ['Slack had trouble (', { link: 'https://slack-status.com', label: 'slack-status.com' }, '); the next run tries again.'];
    case 'slack_network':
      return ['the next run tries again; if it keeps happening, a Lookout admin should check the network (or proxy) between Lookout and slack.com.'];
    case 'slack_unreachable':
      return ['a Lookout admin should check the network (or proxy) between Lookout and slack.com; the next run tries again.'];
    case 'timeout':
      return ['the next run tries again; if it keeps happening, raise the working timeout (', edit, ') or ask a Lookout admin to run ', doctor, '.'];
    case 'smtp_mailbox':
      return ['check the address ', who, ' (the mail server’s reply says why it was refused); if it is wrong, ', ...changeRecipients, '.'];
    case 'smtp_sender':
      return ['a Lookout admin must set EMAIL_FROM to an address the mail server accepts.'];
    case 'smtp_login':
      return ['a Lookout admin must fix the user and password in SMTP_URL.'];
    case 'smtp_tls':
      return ['a Lookout admin must check smtp:// versus smtps:// and the port in SMTP_URL.'];
    case 'smtp_refused':
      return ['the mail server’s reply says why; if it is a rule of that server (size, spam), a Lookout admin must take it up with its admins.'];
    case 'smtp_unreachable':
      return ['a Lookout admin must check the host and port in SMTP_URL and the network to the mail server (', doctor, ').'];
    case 'smtp_connection':
      return ['the next run tries again; if it keeps happening, a Lookout admin should run ', doctor, '.'];
    case 'bad_address':
      return ['fix the address: ', ...changeRecipients, '.'];
    case 'not_set_up':
      return ['a Lookout admin must set ', { code: cause.setting }, ', or ', ...changeRecipients, '.'];
    case 'bug':
      return ['this is a Lookout bug: please report it with the alert’s name; the Lookout log has the details.'];
    case 'unknown':
      return UNKNOWN_ADVICE;
  }
}

/** Slack's errors: the destination named where it helps, else the table's own sentence. */
function slackAdvice(cause: Extract<DeliveryCause, { kind: 'slack' }>, recipient: RecipientRef, edit: Inline): Inline[] {
  const code = cause.codes[0] ?? '';
  const who = recipientInline(recipient);
  const invite: Inline = { code: '/invite @Lookout' };
  if (recipient.kind === 'channel') {
    if (code === 'not_in_channel') return [invite, ' in ', who];
    if (code === 'channel_not_found') return ['the channel was deleted, or it is private and Lookout is not in it: ', invite, ' in it, or change the recipients (', edit, ').'];
    if (code === 'is_archived') return ['unarchive ', who, ' or change the recipients (', edit, ').'];
  }
  if (recipient.kind === 'user') {
    if (code === 'cannot_dm_bot') return [who, ' is a bot, and bots get no direct messages: send to a person or a channel instead (', edit, ').'];
    if (code === 'user_not_found' || code === 'channel_not_found') return [who, ' was not found (deactivated, or from another workspace): change the recipients (', edit, ').'];
  }
  if (code === 'ratelimited') return ['the next run tries again; if it keeps happening, spread out the schedules of alerts that post at the same minute.'];
  return [slackErrorInfo(code, { needed: cause.scope ?? undefined }).message];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
