// One delivery record in words, the same in history, `/alert doctor` and Home: sent (with a link
// to the message when Lookout can build one), sent in a digest, found later, sent by email
// because Slack failed, failed (the error and what to do), or an outcome nobody knows.
import type { Alert, DeliveryRecord } from '../domain/types.js';
import { causeLabel, deliveryAdvice, recognizeDeliveryError, UNKNOWN_ADVICE } from './delivery-advice.js';
import type { Inline } from './document.js';
import { parseRecipientKey, type RecipientRef } from './recipient-ref.js';

/** Characters of a delivery's own sentence shown where no short code says it. */
const ERROR_CHARS = 160;
const NOTE_CHARS = 160;

export type DeliveryKind = 'sent' | 'noted' | 'fallback' | 'failed' | 'unknown';

export interface DeliveryWords {
  kind: DeliveryKind;
  recipient: RecipientRef;
  /** What happened: "failed: not_in_channel", "outcome unknown; not re-sent", "sent (message)". */
  what: Inline[];
  /** What to do, when something should be done. */
  advice: Inline[] | null;
}

/** The record in words; `teamDomain` (the workspace's, e.g. "acme") makes Slack messages links. */
export function deliveryWords(record: DeliveryRecord, alert: Pick<Alert, 'id' | 'name'>, teamDomain: string | null): DeliveryWords {
  const recipient = parseRecipientKey(record.recipient);
  if (record.ok && record.fallback !== undefined && record.fallback !== null && record.fallback !== '') {
    const slackError = slackErrorOfFallback(record.note);
    const cause = slackError === null ? null : recognizeDeliveryError(slackError);
    const label = cause === null ? null : causeLabel(cause);
    return {
      kind: 'fallback',
      recipient,
      what: [`Slack failed${label !== null ? ` (${label})` : ''}; sent by email to ${record.fallback} instead`],
      advice: cause === null ? UNKNOWN_ADVICE : deliveryAdvice(cause, recipient, alert),
    };
  }
  if (record.ok) {
    const sent = sentWords(record, teamDomain);
    if (record.note !== null && record.note !== '') return { kind: 'noted', recipient, what: [...sent, `, but ${cut(record.note, NOTE_CHARS)}`], advice: null };
    return { kind: 'sent', recipient, what: sent, advice: null };
  }
  if (record.reconciled === 'missing') return { kind: 'failed', recipient, what: ['outcome was unknown; checked later, it had not arrived; not re-sent'], advice: null };
  if (record.unknown) {
    const checked = record.reconciled === 'gave_up' ? ' (Slack did not answer when Lookout checked later)' : '';
    return { kind: 'unknown', recipient, what: [`outcome unknown; not re-sent${checked}`], advice: null };
  }
  const error = record.error ?? 'failed';
  const cause = recognizeDeliveryError(error);
  const label = causeLabel(cause);
  return { kind: 'failed', recipient, what: ['failed: ', label ?? cut(error, ERROR_CHARS)], advice: deliveryAdvice(cause, recipient, alert) };
}

/** "sent", "sent (message)", "sent (in a digest, message)", "sent (found later)". */
function sentWords(record: DeliveryRecord, teamDomain: string | null): Inline[] {
  return ['sent', ...sentDetails(record, teamDomain)];
}

/** What else is known of a sent message, in brackets: " (in a digest, message)"; [] when nothing. */
export function sentDetails(record: DeliveryRecord, teamDomain: string | null): Inline[] {
  const url = messageUrl(record.ref, teamDomain);
  const extras: Inline[][] = [];
  if (record.digest === true) extras.push(['in a digest']);
  if (record.reconciled === 'found') extras.push(['found later']);
  if (url !== null) extras.push([{ link: url, label: 'message' }]);
  if (extras.length === 0) return [];
  return [' (', ...extras.flatMap((extra, i) => (i === 0 ? extra : [', ', ...extra])), ')'];
}

/** Slack's team domains: lower-case letters, digits and hyphens. */
const TEAM_DOMAIN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** A Slack delivery's ref: "<channel id>:<ts>" (delivery/slack formatMessageRef). */
const SLACK_REF = /^([CDG][A-Z0-9]+):(\d+)\.(\d+)$/;

/**
 * The message's address in Slack's archive form (what chat.getPermalink answers for a
 * workspace), built without a call per row; null without a known domain or for a ref that is
 * not a Slack message (an email's Message-ID).
 */
export function messageUrl(ref: string | null, teamDomain: string | null): string | null {
  if (ref === null || teamDomain === null || !TEAM_DOMAIN.test(teamDomain)) return null;
  const m = SLACK_REF.exec(ref);
  if (m === null) return null;
  return `https://${teamDomain}.slack.com/archives/${m[1]}/p${m[2]}${m[3]}`;
}

/** The Slack error inside a fallback's note: "Slack failed (<error>); sent by email to … instead" (delivery/fallback-delivery). */
function slackErrorOfFallback(note: string | null): string | null {
  const m = /^Slack failed \((.*)\); sent by email to .* instead$/s.exec(note ?? '');
  return m?.[1] ?? null;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
