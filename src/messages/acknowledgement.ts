// What Lookout says about acknowledgements (issue 4/6): the "Acknowledged by" line on an
// incident's messages, and why a press of Acknowledge or Unacknowledge was refused. The time is a
// `time` inline: Slack shows it in each reader's own zone, email in the alert's.
import type { Acknowledgement, Alert } from '../domain/types.js';
import type { Inline, Part } from './document.js';
import { ackLineBlockId } from './slack/ids.js';

/** Why a press of Acknowledge or Unacknowledge changed nothing. */
export type AckRefusal =
  /** The alert is gone. */
  | { kind: 'gone' }
  /** It resolved (or never fired): there is no incident to acknowledge. */
  | { kind: 'not_firing' }
  /** The message is of an earlier incident; the alert fired again at `since`. */
  | { kind: 'other_incident'; since: Date }
  /** The person is not a member of the channel the message is in. */
  | { kind: 'not_member'; channel: string }
  /** A direct message of an alert that no longer messages this person. */
  | { kind: 'not_recipient' }
  /** Acknowledge pressed, but someone already had. */
  | { kind: 'already'; ack: Acknowledgement }
  /** Unacknowledge pressed, but nobody had acknowledged it. */
  | { kind: 'not_acknowledged' };

/** "✋ Acknowledged by @bob, 2026-12-07 10:42 CET" (Slack: "…, today at 10:42"). */
export function acknowledgedLine(ack: Acknowledgement, zone: string): Inline[] {
  return ['✋ Acknowledged by ', { user: ack.by }, ', ', { time: ack.at, zone }];
}

/** The line as a message part (named, so a message can be re-stamped); none while nobody acknowledged. */
export function acknowledgedParts(alert: Pick<Alert, 'id' | 'schedule'>, ack: Acknowledgement | null): Part[] {
  return ack === null ? [] : [{ kind: 'note', inlines: acknowledgedLine(ack, alert.schedule.timezone), id: ackLineBlockId(alert.id) }];
}

/** What the person who pressed is told. */
export function ackRefusalLine(refusal: AckRefusal, alert: Pick<Alert, 'name' | 'schedule'> | null, verb: 'acknowledge' | 'unacknowledge'): Inline[] {
  const zone = alert?.schedule.timezone ?? 'UTC';
  const name: Inline = alert === null ? 'This alert' : { bold: alert.name };
  switch (refusal.kind) {
    case 'gone':
      return ['This alert no longer exists.'];
    case 'not_firing':
      return [name, ' is not firing any more, so there is nothing to ', verb, '.'];
    case 'other_incident':
      return ['This message is about an earlier incident of ', name, '. It fired again at ', { time: refusal.since, zone }, `: ${verb} it on that incident's message.`];
    case 'not_member':
      return ['Only members of ', { channel: refusal.channel }, ` can ${verb} this alert.`];
    case 'not_recipient':
      return [name, ' no longer sends you direct messages, so you cannot ', verb, ' it here.'];
    case 'already':
      return [{ user: refusal.ack.by }, ' already acknowledged this, ', { time: refusal.ack.at, zone }, '.'];
    case 'not_acknowledged':
      return ['Nobody has acknowledged this incident, so there is nothing to take back.'];
  }
}
