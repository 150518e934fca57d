// Making text someone else wrote inert where it is shown: Slack mrkdwn and HTML. One copy of
// each, used by every message Lookout builds (SLACK-NOTES.md, "Formatting").

// Slack's broadcast words; a zero-width space after the @ keeps them from ever notifying,
// even where a client or a `link_names` post would turn plain text into a mention.
const BROADCAST = /@(channel|here|everyone)\b/gi;

/**
 * User text made inert in mrkdwn: `<!channel>`, `<@U…>`, `<!subteam^…>` and `<http://x|y>`
 * cannot ping or disguise a link (only &, < and > need escaping), and @channel is broken up.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(BROADCAST, '@\u200b$1');
}

/**
 * Text shown as typed (plain_text, a table's raw_text cells) that still must not read as a
 * mention or a link if a client ever parsed it: a zero-width space after each `<`, and the
 * broadcast words broken up. What people read is unchanged.
 */
export function inertPlain(text: string): string {
  return text.replace(/</g, '<\u200b').replace(BROADCAST, '@\u200b$1');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
