// After an acknowledgement changed (or a press found a stale button): the incident's first
// message in each channel and DM that takes its level now (routing by level) is drawn again as
// the tick runner draws it on a repeat
// (firing-status.ts, chat.update), so everyone reading sees who has it — only a first message
// that is this alert's own: a storm digest lists other alerts too and is left as it is, as the
// delivery leaves it (whose a message is: firstMessage, as the alert keeps it, else by the
// message's metadata). The message pressed, when it is a reply in a thread or a
// digest, keeps its content and only has this alert's button and line re-stamped. A failed
// update is logged and said to the person who pressed; the acknowledgement stands.
import type { WebClient } from '@slack/web-api';
import { routedLevel, threadsShowing } from '../../domain/routing.js';
import type { Alert } from '../../domain/types.js';
import { parseMessageRef } from '../../delivery/slack/slack-delivery.js';
import { firstMessage } from '../../delivery/slack/slack-post.js';
import { firingStatusDoc } from '../../messages/firing-status.js';
import { renderSlack } from '../../messages/slack/render-slack.js';
import { restampAcknowledgement } from '../../messages/slack/restamp-acknowledgement.js';
import type { Logger } from '../../logger.js';
import type { FiringStatus } from '../../services/triage-service.js';
import { summarizeSlackError } from '../../slack-api/slack-errors.js';
import type { PressedMessage } from './button-handler.js';

/** How long asking Slack whose a first message is may take (a person is waiting for the button). */
const OWNER_TIMEOUT_MS = 5000;

/** Redraws the incident's messages; returns Slack's error code for each that could not be updated. */
export async function redrawIncident(
  client: WebClient,
  logger: Logger,
  alert: Alert,
  status: FiringStatus,
  pressed: PressedMessage | null,
  now: Date,
): Promise<string[]> {
  if (alert.firingSince === null) return [];
  // Only where the recipient takes the incident's level now: a channel told only of warnings
  // is not shown that it went critical (see threadsShowing).
  const firsts = Object.entries(threadsShowing(alert, routedLevel(status.series))).flatMap(([recipient, ref]) => {
    const parsed = parseMessageRef(ref);
    return parsed === null ? [] : [{ ...parsed, token: alert.drawn[recipient] }];
  });
  // Whose each message is, as the alert keeps it; Slack is asked only where that is unknown.
  const found = await Promise.all(firsts.map((first) => firstMessage(client, first, alert.id, first.token, AbortSignal.timeout(OWNER_TIMEOUT_MS), logger)));
  const owners = found.map((f) => (f === 'unknown' ? f : f.owner));
  const own = firsts.filter((_, i) => owners[i] === 'own');
  const unchecked = owners.filter((o) => o === 'unknown').map(() => 'not_checked');
  const drawn = renderSlack(firingStatusDoc(alert, 'firing', status.value, status.at, status.series), { surface: 'message', now }).message;
  const updates = own.map((first) => ({ channel: first.channel, ts: first.ts, text: drawn.text, blocks: drawn.blocks }));
  // The pressed message, unless drawn again whole above (a reply, or a storm digest listing it).
  const redrawn = pressed !== null && own.some((f) => f.channel === pressed.channel && f.ts === pressed.ts);
  if (pressed !== null && !redrawn) {
    const blocks = restampAcknowledgement(pressed.blocks, alert.id, { since: alert.firingSince, ack: alert.ack }, alert.schedule.timezone);
    if (blocks !== null) updates.push({ channel: pressed.channel, ts: pressed.ts, text: drawn.text, blocks });
  }
  const problems = await Promise.all(
    updates.map(async ({ channel, ts, text, blocks }, i) => {
      try {
        // A reply keeps its own notification text: only its blocks change.
        await client.chat.update({ channel, ts, blocks, ...(i < own.length ? { text } : {}) });
        return null;
      } catch (err) {
        const slack = summarizeSlackError(err);
        logger.warn({ ...slack, alertId: alert.id, channel }, 'could not redraw an incident message');
        return slack.code;
      }
    }),
  );
  return [...unchecked, ...problems.filter((p): p is string => p !== null)];
}
