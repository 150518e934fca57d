// A message Lookout posted earlier, re-stamped after its incident was acknowledged or the
// acknowledgement taken back: the Acknowledge/Unacknowledge button swapped, the "Acknowledged by"
// line put in, replaced or taken out, everything else left as it was (a reply's content cannot be
// drawn again: its result is gone). The incident's first messages are drawn again whole instead
// (firing-status.ts); this is for a reply in their thread that was pressed.
import type { ActionsBlock } from '@slack/types';
import type { Incident } from '../document.js';
import { acknowledgedLine } from '../acknowledgement.js';
import { acknowledgeButton } from './alert-actions.js';
import { ACTION, ackLineBlockId, alertActionsBlockId } from './ids.js';
import { context } from './kit.js';
import { SLACK_LIMITS, type SlackBlock } from './limits.js';
import { inlines } from './render-slack.js';

const ACK_ACTIONS: readonly string[] = [ACTION.acknowledge, ACTION.unacknowledge];

/**
 * The message's blocks re-stamped for `incident`; null when they hold no Acknowledge button of
 * this alert (nothing to change). `zone` is the alert's, for readers whose client cannot show
 * Slack's dates.
 */
export function restampAcknowledgement(blocks: readonly unknown[], alertId: string, incident: Incident, zone: string): SlackBlock[] | null {
  const lineId = ackLineBlockId(alertId);
  const kept = (blocks as SlackBlock[]).filter((b) => (b as { block_id?: string }).block_id !== lineId);
  const at = kept.findIndex((b) => b.type === 'actions' && b.block_id === alertActionsBlockId(alertId));
  const row = kept[at] as ActionsBlock | undefined;
  if (row === undefined || !row.elements.some((e) => ACK_ACTIONS.includes(e.action_id ?? ''))) return null;
  const elements = row.elements.map((e) => (ACK_ACTIONS.includes(e.action_id ?? '') ? acknowledgeButton(alertId, incident) : e));
  const out: SlackBlock[] = [...kept];
  out[at] = { ...row, elements };
  // A message already at Slack's block limit keeps its button swap and goes without the line.
  if (incident.ack !== null && out.length < SLACK_LIMITS.messageBlocks) {
    out.splice(at, 0, context([inlines(acknowledgedLine(incident.ack, zone))], lineId));
  }
  return out;
}
