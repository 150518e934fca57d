// Slack mrkdwn is not Markdown (SLACK-NOTES.md, "Formatting"): only &, < and > are escaped in
// text we did not write; links, mentions and code have their own syntax. Times are shown in a
// named zone because alerts run in their own timezone, not the reader's.
import { DateTime } from 'luxon';
import { escapeMrkdwn } from '../../content/escape.js';

export { escapeMrkdwn } from '../../content/escape.js';

/** `<url|text>` for http(s) and mailto URLs; anything else is shown as escaped text, not linked. */
export function link(url: string, text?: string): string {
  const label = text === undefined || text.trim() === '' ? null : escapeMrkdwn(text).replace(/\|/g, '¦');
  if (!/^(https?:\/\/|mailto:)/i.test(url.trim())) return escapeMrkdwn(label ?? url);
  // <, > and | end the link early; spaces break it. Percent-encoding keeps the URL the same.
  const safe = url.trim().replace(/[<>| ]/g, (c) => encodeURIComponent(c));
  return label === null ? `<${safe}>` : `<${safe}|${label}>`;
}

const USER_ID = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;

/** `<@U…>`, which Slack shows as the person's name; an id that is not one is shown escaped. */
export function user(id: string): string {
  return USER_ID.test(id) ? `<@${id}>` : escapeMrkdwn(id);
}

/** `<#C…>`, which Slack shows as the channel's name. */
export function channel(id: string): string {
  return CHANNEL_ID.test(id) ? `<#${id}>` : escapeMrkdwn(id);
}

// A backtick inside inline code would end it early; U+02CB looks the same and does not.
const LOOKALIKE_BACKTICK = 'ˋ';

/** Inline code: escaped, on one line, with backticks that cannot close it. */
export function code(text: string): string {
  const inner = escapeMrkdwn(text).replace(/`/g, LOOKALIKE_BACKTICK).replace(/\s*\n\s*/g, ' ');
  return inner.trim() === '' ? '` `' : `\`${inner}\``;
}

/** A fenced code block: escaped, with any ``` inside broken up so it cannot close the fence. */
export function codeBlock(text: string): string {
  return `\`\`\`\n${escapeMrkdwn(text).replace(/```/g, '`\u200b`\u200b`')}\n\`\`\``;
}

/** Bold user text. Slack's `*` cannot be escaped, so stray asterisks become look-alikes. */
export function bold(text: string): string {
  const inner = escapeMrkdwn(text).replace(/\*/g, '∗').trim();
  return inner === '' ? '' : `*${inner}*`;
}

/**
 * A time in a named zone: "2026-11-24 19:00 EST" where the zone has a letter abbreviation,
 * "2026-11-25 09:00 (Asia/Seoul)" where it would only be "GMT+9"; `long` adds the weekday:
 * "Wed 25 Nov 2026 09:00 (Asia/Seoul)". An unknown zone falls back to UTC, saying so.
 */
export function formatInZone(date: Date, timezone: string, style: 'short' | 'long' = 'short'): string {
  let dt = DateTime.fromJSDate(date, { zone: timezone }).setLocale('en-US');
  let zone = timezone;
  if (!dt.isValid) {
    dt = DateTime.fromJSDate(date, { zone: 'UTC' }).setLocale('en-US');
    zone = 'UTC';
  }
  if (!dt.isValid) return 'an invalid date';
  const when = dt.toFormat(style === 'long' ? 'ccc d LLL yyyy HH:mm' : 'yyyy-MM-dd HH:mm');
  const abbreviation = dt.offsetNameShort ?? '';
  if (zone === 'UTC' || zone === 'Etc/UTC') return `${when} UTC`;
  return /^[A-Z]{2,5}$/.test(abbreviation) && style === 'short' ? `${when} ${abbreviation}` : `${when} (${zone})`;
}
