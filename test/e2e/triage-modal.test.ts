// The modal's triage settings through the real Bolt app and the simulator (issue 4/6): the
// reminder choice re-renders with backoff's fields at 1 h, ×2 and 24 h; reminders, quiet hours, a
// mention column, people and user groups per level and recipients per level are saved as typed;
// the edit view shows them back; bad ones come back as field errors with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { InputBlock } from '@slack/types';
import { ACTION, BLOCK } from '../../src/messages/slack/ids.js';
import type { SimpleValues, SlackView } from '../support/slack-simulator/index.js';
import { ALICE, ALERTS, BOB, firingAlert, modalValues, startE2e, type AlertFields, type E2e } from './support/e2e.js';

/** Alice and Lookout only. */
const TEAM = 'C0TEAM001';
let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
  e2e.sim.workspace.addChannel({ id: TEAM, name: 'team', members: [ALICE] });
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

const input = (view: SlackView | undefined, id: string) => (view?.blocks as InputBlock[] | undefined)?.find((b) => b.type === 'input' && b.block_id === id);

/** A firing alert at critical > 40 and warning > 30, to #alerts, filled in a fresh create modal. */
async function openFilled(fields: AlertFields): Promise<SlackView> {
  const opened = await e2e.openCreateModal(ALICE);
  return e2e.fill(ALICE, opened, fields);
}

/** Chooses "Remind with backoff": the modal re-renders with its fields. */
async function chooseBackoff(view: SlackView): Promise<SlackView> {
  const hash = e2e.sim.view(view.id)?.hash;
  await e2e.sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.remindersChanged, value: 'backoff' });
  return e2e.sim.waitUntil(() => {
    const now = e2e.sim.view(view.id);
    return now !== undefined && now.hash !== hash ? now : undefined;
  });
}

function triageValues(typed: Record<string, string | string[]>): SimpleValues {
  const v: SimpleValues = { [BLOCK.remindersMode]: { [ACTION.remindersChanged]: 'backoff' } };
  for (const [block, value] of Object.entries(typed)) v[block] = { [ACTION.value]: value };
  return v;
}

describe('the triage settings in the modal', () => {
  it('"Remind with backoff" re-renders with its fields at 1 h, ×2 and 24 h', async () => {
    const view = await openFilled(firingAlert('Backoff shown', { warning: '30' }));
    expect(input(view, BLOCK.remindersFirst)).toBeUndefined();
    const rendered = await chooseBackoff(view);
    expect(input(rendered, BLOCK.remindersFirst)?.element).toMatchObject({ initial_value: '1 h' });
    expect(input(rendered, BLOCK.remindersFactor)?.element).toMatchObject({ initial_value: '2' });
    expect(input(rendered, BLOCK.remindersCap)?.element).toMatchObject({ initial_value: '24 h' });
    // The schedule's zone (UTC, not Alice's own): the quiet hours follow the schedule unless another is chosen.
    expect(input(rendered, BLOCK.quietTimezone)?.element).toMatchObject({ initial_option: { value: 'schedule', text: { text: 'Same as the schedule (UTC)' } } });
  });

  it('saves reminders, quiet hours, mentions and routing by level as typed, and the edit view shows them back', async () => {
    const fields = firingAlert('Triaged', { warning: '30', channels: [ALERTS] });
    const view = await chooseBackoff(await openFilled(fields));
    const ack = await e2e.sim.viewSubmission({
      view: view.id,
      values: {
        ...modalValues(fields),
        ...triageValues({
          [BLOCK.remindersFirst]: '30 min',
          [BLOCK.remindersFactor]: '3',
          [BLOCK.remindersCap]: '12 h',
          [BLOCK.quietWindows]: 'Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00',
          [BLOCK.quietTimezone]: 'Europe/Berlin',
          [BLOCK.mentionColumn]: 'owner_email',
          [BLOCK.mentionCriticalUsers]: [BOB],
          [BLOCK.mentionCriticalGroups]: 'S0ONCALL1',
          [BLOCK.mentionWarningUsers]: [ALICE],
          [BLOCK.warningChannels]: [TEAM],
          [BLOCK.criticalUsers]: [BOB],
          [BLOCK.criticalEmails]: 'pager@example.com',
        }),
      },
    });
    expect(ack).toEqual({});
    // A closed modal means saved (the ack waits for the service).
    const alert = await e2e.lookout.store.findAlertByName('Triaged');
    expect(alert).toMatchObject({
      reminders: { mode: 'backoff', firstS: 1800, factor: 3, capS: 43_200 },
      quietHours: { timezone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], from: '20:00', to: '08:00' }, { days: [0, 6], from: '00:00', to: '24:00' }] },
      mentionColumn: 'owner_email',
      mentions: { critical: [BOB, 'S0ONCALL1'], warning: [ALICE] },
      recipients: [
        { kind: 'slack_channel', id: ALERTS },
        { kind: 'slack_channel', id: TEAM, levels: ['warning'] },
        { kind: 'slack_user', id: BOB, levels: ['critical'] },
        { kind: 'email', address: 'pager@example.com', levels: ['critical'] },
      ],
    });

    const opened = e2e.sim.calls('views.open').length;
    await e2e.sim.slashCommand({ user_id: ALICE, text: 'edit Triaged' });
    const call = await e2e.sim.waitUntil(() => e2e.sim.calls('views.open')[opened], 15_000);
    const edit = (call.response as { view?: SlackView }).view;
    expect(input(edit, BLOCK.remindersMode)?.element).toMatchObject({ initial_option: { value: 'backoff' } });
    expect(input(edit, BLOCK.remindersFirst)?.element).toMatchObject({ initial_value: '30 min' });
    expect(input(edit, BLOCK.remindersFactor)?.element).toMatchObject({ initial_value: '3' });
    expect(input(edit, BLOCK.remindersCap)?.element).toMatchObject({ initial_value: '12 h' });
    expect(input(edit, BLOCK.quietWindows)?.element).toMatchObject({ initial_value: 'Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00' });
    expect(input(edit, BLOCK.quietTimezone)?.element).toMatchObject({ initial_option: { value: 'Europe/Berlin' } });
    expect(input(edit, BLOCK.mentionColumn)?.element).toMatchObject({ initial_value: 'owner_email' });
    expect(input(edit, BLOCK.mentionCriticalUsers)?.element).toMatchObject({ initial_users: [BOB] });
    expect(input(edit, BLOCK.mentionCriticalGroups)?.element).toMatchObject({ initial_value: 'S0ONCALL1' });
    expect(input(edit, BLOCK.mentionWarningUsers)?.element).toMatchObject({ initial_users: [ALICE] });
    expect(input(edit, BLOCK.recipientChannels)?.element).toMatchObject({ initial_conversations: [ALERTS] });
    expect(input(edit, BLOCK.warningChannels)?.element).toMatchObject({ initial_conversations: [TEAM] });
    expect(input(edit, BLOCK.criticalUsers)?.element).toMatchObject({ initial_users: [BOB] });
    expect(input(edit, BLOCK.criticalEmails)?.element).toMatchObject({ initial_value: 'pager@example.com' });
  });

  it('bad triage settings come back on their blocks, and nothing is stored', async () => {
    // No warning threshold this time: warning recipients and mentions have nowhere to go.
    const fields = firingAlert('Badly triaged', { channels: [ALERTS] });
    const view = await chooseBackoff(await openFilled(fields));
    const ack = await e2e.sim.viewSubmission({
      view: view.id,
      values: {
        ...modalValues(fields),
        ...triageValues({
          [BLOCK.remindersFirst]: '1 min',
          [BLOCK.remindersFactor]: '20',
          [BLOCK.remindersCap]: '12 h',
          [BLOCK.quietWindows]: 'Mon-Fry 20:00-08:00',
          [BLOCK.mentionCriticalGroups]: '@oncall',
          [BLOCK.mentionWarningUsers]: [ALICE],
          [BLOCK.warningChannels]: [TEAM],
        }),
      },
    });
    expect(ack.response_action).toBe('errors');
    expect(ack.errors).toEqual({
      [BLOCK.remindersFirst]: 'must be at least 5 min',
      [BLOCK.remindersFactor]: 'must be a number from 1 to 10, e.g. 2 or 1.5 (1: the same wait every time)',
      [BLOCK.quietWindows]: '"Mon-Fry 20:00-08:00": "fry" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)',
      [BLOCK.mentionCriticalGroups]: '"@oncall" is not a user group ID: a user group ID starts with S (in Slack, open the group: its menu copies the ID)',
      [BLOCK.mentionWarningUsers]: 'this alert has no warning level: set a warning threshold, or mention them at critical',
      [BLOCK.warningChannels]: 'this alert has no warning level, so nothing would be sent here: set a warning threshold, or send it at critical',
    });
    expect(e2e.sim.topView(ALICE)?.id).toBe(view.id);
    expect(await e2e.lookout.store.findAlertByName('Badly triaged')).toBeNull();
  });
});
