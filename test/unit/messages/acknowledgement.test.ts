// Acknowledgement in the messages (issue 4/6): the Acknowledge button on a firing message names
// its incident, Unacknowledge replaces it once someone has, the "Acknowledged by" line shows on
// firing messages, repeats and the rewritten first message (Slack's date in each reader's zone,
// the alert's zone elsewhere), a pressed reply is re-stamped in place, and refusals say why.
import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button, ContextBlock } from '@slack/types';
import type { Acknowledgement } from '../../../src/domain/types.js';
import { ackRefusalLine } from '../../../src/messages/acknowledgement.js';
import { composeMessage } from '../../../src/messages/compose.js';
import { digestEntry } from '../../../src/messages/digest.js';
import { renderEmail } from '../../../src/messages/email/render-email.js';
import { firingStatusDoc } from '../../../src/messages/firing-status.js';
import { ACTION, ackLineBlockId, alertActionsBlockId, incidentButtonValue, parseIncidentButtonValue } from '../../../src/messages/slack/ids.js';
import { SLACK_LIMITS, type SlackBlock } from '../../../src/messages/slack/limits.js';
import { inlines, renderSlack } from '../../../src/messages/slack/render-slack.js';
import { renderDigest } from '../../../src/messages/slack/render-digest.js';
import { restampAcknowledgement } from '../../../src/messages/slack/restamp-acknowledgement.js';
import { makeAlert, makeMessage, NOW } from '../../support/fixtures.js';

const SINCE = new Date('2026-11-24T23:00:00Z');
const ACK: Acknowledgement = { by: 'U0BOB', at: new Date('2026-11-25T01:42:00Z'), channel: 'C0OPS' };
const alert = makeAlert({ condition: { op: '>', threshold: 10 }, firingSince: SINCE });
const acked = { ...alert, ack: ACK };
/** Slack's date: the reader's own zone, "2026-11-25 10:42 (Asia/Seoul)" (the alert's zone) where it cannot. */
const ACK_LINE = `✋ Acknowledged by <@U0BOB>, <!date^${ACK.at.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-25 10:42 (Asia/Seoul)>`;

const draw = (doc: ReturnType<typeof composeMessage>) => renderSlack(doc, { surface: 'message', now: NOW }).message.blocks;
const actionsOf = (blocks: SlackBlock[]) => blocks.find((b): b is ActionsBlock => b.type === 'actions');
const ackButton = (blocks: SlackBlock[]) => actionsOf(blocks)?.elements.find((e): e is Button => e.type === 'button' && (e.action_id === ACTION.acknowledge || e.action_id === ACTION.unacknowledge));
const idOf = (b: SlackBlock) => (b as { block_id?: string }).block_id;
const ackLine = (blocks: SlackBlock[]) => blocks.find((b): b is ContextBlock => idOf(b) === ackLineBlockId(alert.id));

describe('the incident a button names', () => {
  it('round-trips the alert id and the start, and refuses anything else', () => {
    const value = incidentButtonValue(alert.id, SINCE);
    expect(value).toBe(`${alert.id}@${SINCE.getTime()}`);
    expect(parseIncidentButtonValue(value)).toEqual({ alertId: alert.id, since: SINCE });
    for (const bad of ['', alert.id, `${alert.id}@`, `${alert.id}@soon`, '@123']) expect(parseIncidentButtonValue(bad)).toBeNull();
  });
});

describe('a firing message', () => {
  it('the first of an incident offers Acknowledge for the incident this tick starts, first and primary', () => {
    const blocks = draw(composeMessage(makeMessage('firing', { alert: { ...alert, firingSince: null }, value: '42' })));
    expect(actionsOf(blocks)?.elements[0]).toMatchObject({ action_id: ACTION.acknowledge, text: { text: 'Acknowledge' }, style: 'primary', value: `${alert.id}@${NOW.getTime()}` });
    expect(ackLine(blocks)).toBeUndefined();
  });

  it('a repeat of an acknowledged incident says who and when, and offers Unacknowledge', () => {
    const blocks = draw(composeMessage(makeMessage('repeat', { alert: acked, value: '42' })));
    expect(ackButton(blocks)).toMatchObject({ action_id: ACTION.unacknowledge, text: { text: 'Unacknowledge' }, value: `${alert.id}@${SINCE.getTime()}` });
    expect(ackButton(blocks)).not.toHaveProperty('style');
    expect(ackLine(blocks)?.elements).toEqual([{ type: 'mrkdwn', text: ACK_LINE }]);
  });

  it('by email the line reads in the alert\'s zone, and there is no button to press', () => {
    const email = renderEmail(composeMessage(makeMessage('repeat', { alert: acked, value: '42' })), { attachments: [], executionId: 'exec-1' });
    expect(email.text).toContain('✋ Acknowledged by @U0BOB, 2026-11-25 10:42 (Asia/Seoul)');
  });

  it('a report has no Acknowledge button', () => {
    const blocks = draw(composeMessage(makeMessage('report', { alert: { ...alert, type: 'report', condition: null } })));
    expect(ackButton(blocks)).toBeUndefined();
  });
});

describe('the first message, rewritten', () => {
  it('while firing: the line and Unacknowledge once acknowledged; Acknowledge before', () => {
    const before = draw(firingStatusDoc(alert, 'firing', '42', NOW));
    expect(ackButton(before)).toMatchObject({ action_id: ACTION.acknowledge, value: `${alert.id}@${SINCE.getTime()}` });
    expect(ackLine(before)).toBeUndefined();
    const after = draw(firingStatusDoc(acked, 'firing', '42', NOW));
    expect(ackButton(after)).toMatchObject({ action_id: ACTION.unacknowledge });
    expect(ackLine(after)?.elements).toEqual([{ type: 'mrkdwn', text: ACK_LINE }]);
  });

  it('resolved: who acknowledged stays on record, with no button', () => {
    const blocks = draw(firingStatusDoc(acked, 'resolved', '3', NOW));
    expect(ackLine(blocks)).toBeDefined();
    expect(ackButton(blocks)).toBeUndefined();
  });
});

describe('restampAcknowledgement (a reply that was pressed)', () => {
  const reply = draw(composeMessage(makeMessage('repeat', { alert, value: '42' })));

  it('puts the line before the buttons and swaps Acknowledge for Unacknowledge, the rest untouched', () => {
    const stamped = restampAcknowledgement(reply, alert.id, { since: SINCE, ack: ACK }, alert.schedule.timezone)!;
    expect(stamped).toHaveLength(reply.length + 1);
    const at = stamped.findIndex((b) => idOf(b) === alertActionsBlockId(alert.id));
    expect(stamped[at - 1]).toMatchObject({ type: 'context', block_id: ackLineBlockId(alert.id), elements: [{ text: ACK_LINE }] });
    expect(ackButton(stamped)).toMatchObject({ action_id: ACTION.unacknowledge });
    const others = (blocks: SlackBlock[]) => blocks.filter((b) => idOf(b) !== ackLineBlockId(alert.id) && b.type !== 'actions');
    expect(others(stamped)).toEqual(others(reply));
  });

  it('takes the line out again, once, and is idempotent', () => {
    const stamped = restampAcknowledgement(reply, alert.id, { since: SINCE, ack: ACK }, 'UTC')!;
    const twice = restampAcknowledgement(stamped, alert.id, { since: SINCE, ack: ACK }, 'UTC')!;
    expect(twice.filter((b) => idOf(b) === ackLineBlockId(alert.id))).toHaveLength(1);
    const back = restampAcknowledgement(twice, alert.id, { since: SINCE, ack: null }, 'UTC')!;
    expect(back).toEqual(reply);
  });

  it('changes nothing in a message without this alert\'s Acknowledge button', () => {
    const report = draw(composeMessage(makeMessage('report', { alert: { ...alert, type: 'report', condition: null } })));
    expect(restampAcknowledgement(report, alert.id, { since: SINCE, ack: ACK }, 'UTC')).toBeNull();
    expect(restampAcknowledgement(reply, 'another-alert', { since: SINCE, ack: ACK }, 'UTC')).toBeNull();
    expect(restampAcknowledgement([], alert.id, { since: SINCE, ack: ACK }, 'UTC')).toBeNull();
  });

  it('a message at Slack\'s block limit keeps its size: the button is swapped, the line left out', () => {
    const filler = Array.from({ length: SLACK_LIMITS.messageBlocks - reply.length }, () => ({ type: 'divider' }) as SlackBlock);
    const full = [...filler, ...reply];
    const stamped = restampAcknowledgement(full, alert.id, { since: SINCE, ack: ACK }, 'UTC')!;
    expect(stamped).toHaveLength(SLACK_LIMITS.messageBlocks);
    expect(ackButton(stamped)).toMatchObject({ action_id: ACTION.unacknowledge });
  });
});

describe('refusals', () => {
  it.each<[Parameters<typeof ackRefusalLine>[0], string]>([
    [{ kind: 'not_member', channel: 'C0OPS' }, 'Only members of <#C0OPS> can acknowledge this alert.'],
    [{ kind: 'not_firing' }, '*Orders stalled* is not firing any more, so there is nothing to acknowledge.'],
    [{ kind: 'other_incident', since: SINCE }, `This message is about an earlier incident of *Orders stalled*. It fired again at <!date^${SINCE.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-25 08:00 (Asia/Seoul)>: acknowledge it on that incident's message.`],
    [{ kind: 'not_recipient' }, '*Orders stalled* no longer sends you direct messages, so you cannot acknowledge it here.'],
    [{ kind: 'already', ack: ACK }, `<@U0BOB> already acknowledged this, <!date^${ACK.at.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-25 10:42 (Asia/Seoul)>.`],
    [{ kind: 'gone' }, 'This alert no longer exists.'],
  ])('%j', (refusal, text) => {
    expect(inlines(ackRefusalLine(refusal, alert, 'acknowledge'))).toBe(text);
  });

  it('Unacknowledge says its own verb, and when there was nothing to take back', () => {
    expect(inlines(ackRefusalLine({ kind: 'not_member', channel: 'C0OPS' }, null, 'unacknowledge'))).toBe('Only members of <#C0OPS> can unacknowledge this alert.');
    expect(inlines(ackRefusalLine({ kind: 'not_acknowledged' }, alert, 'unacknowledge'))).toBe('Nobody has acknowledged this incident, so there is nothing to take back.');
  });
});

describe('in a storm digest', () => {
  const firing = (id: string, name: string) => makeMessage('firing', { alert: makeAlert({ id, name, condition: { op: '>', threshold: 10 } }), value: '42' });
  const digest = renderDigest([digestEntry(firing('a-1', 'Disk')), digestEntry(firing('a-2', 'Queue'))]).message.blocks;

  it("each alert's buttons start with Acknowledge for its own incident", () => {
    const rows = digest.filter((b): b is ActionsBlock => b.type === 'actions');
    expect(rows.map((r) => r.elements[0])).toEqual([
      expect.objectContaining({ action_id: ACTION.acknowledge, value: `a-1@${NOW.getTime()}` }),
      expect.objectContaining({ action_id: ACTION.acknowledge, value: `a-2@${NOW.getTime()}` }),
    ]);
  });

  it('re-stamping for one alert changes its entry only', () => {
    const stamped = restampAcknowledgement(digest, 'a-2', { since: NOW, ack: ACK }, 'UTC')!;
    expect(stamped).toHaveLength(digest.length + 1);
    const rows = stamped.filter((b): b is ActionsBlock => b.type === 'actions');
    expect(rows.map((r) => r.elements[0]?.action_id)).toEqual([ACTION.acknowledge, ACTION.unacknowledge]);
    expect(stamped.findIndex((b) => idOf(b) === ackLineBlockId('a-2'))).toBe(stamped.findIndex((b) => idOf(b) === alertActionsBlockId('a-2')) - 1);
  });
});
