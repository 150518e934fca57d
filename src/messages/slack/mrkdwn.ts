// Slack mrkdwn is not Markdown (SLACK-NOTES.md, "Formatting"): only &, < and > are escaped in
// text we did not write; links, mentions and code have their own syntax.
import { escapeMrkdwn } from '../escape.js';

export { escapeMrkdwn } from '../escape.js';

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

const GROUP_ID = /^S[A-Z0-9]+$/;

/** `<!subteam^S…>`, which Slack shows as the group's handle and notifies its members by. */
export function userGroup(id: string): string {
  return GROUP_ID.test(id) ? `<!subteam^${id}>` : escapeMrkdwn(id);
}

/** `<#C…>`, which Slack shows as the channel's name. */
export function channel(id: string): string {
  return CHANNEL_ID.test(id) ? `<#${id}>` : escapeMrkdwn(id);
}

/**
 * `<!date^…>`: Slack shows the moment in each reader's own timezone ("today at 10:42");
 * clients that cannot, and notifications, show `fallback`.
 * https://docs.slack.dev/messaging/formatting-message-text#date-formatting
 */
export function slackDate(date: Date, fallback: string): string {
  const seconds = Math.floor(date.getTime() / 1000);
  if (!Number.isFinite(seconds)) return escapeMrkdwn(fallback);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${escapeMrkdwn(fallback).replace(/[|>]/g, ' ')}>`;
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
