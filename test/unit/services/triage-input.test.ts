// The triage settings of an alert as the service validates them (issue 4/6): reminders, quiet
// hours, the mention column, mentions per level and recipients per level. Each problem lands on
// its own field key, and an input with any problem saves nothing (no spec at all).
import { describe, expect, it } from '@jest/globals';
import { LEGACY_TRIAGE } from '../../../src/domain/types.js';
import { validateAlertInput, type AlertInput } from '../../../src/services/alert-input.js';

const CONTEXT = { dataSources: ['sample'], allowedHosts: [], actor: 'UACTOR1' };

/** An alert at critical > 10 with a warning at > 5, posting to one channel, in Europe/Berlin. */
function input(overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    name: 'CPU',
    type: 'alert',
    dataSource: 'sample',
    sql: 'SELECT v FROM cpu',
    condition: { op: '>', threshold: '10' },
    warning: { threshold: '5' },
    schedule: { cron: '*/5 * * * *', timezone: 'Europe/Berlin' },
    recipients: [{ kind: 'slack_channel', id: 'C0OPS' }],
    ...overrides,
  };
}

function spec(overrides: Partial<AlertInput>) {
  const result = validateAlertInput(input(overrides), CONTEXT);
  if (!result.ok) throw new Error(`expected valid input, got ${JSON.stringify(result.errors)}`);
  return result.spec;
}

/** The errors, checking that nothing would be saved. */
function errors(overrides: Partial<AlertInput>): Record<string, string> {
  const result = validateAlertInput(input(overrides), CONTEXT);
  expect(result).not.toHaveProperty('spec');
  return result.ok ? {} : result.errors;
}

describe('reminders', () => {
  it('repeat every grace period unless asked otherwise', () => {
    expect(spec({}).reminders).toEqual({ mode: 'grace' });
    expect(spec({ reminders: { mode: 'grace', first: 'nonsense' } }).reminders).toEqual({ mode: 'grace' });
  });

  it('back off with the defaults 1 h, ×2, 24 h when the fields are left empty', () => {
    expect(spec({ reminders: { mode: 'backoff', first: '', factor: '', cap: ' ' } }).reminders).toEqual({ mode: 'backoff', firstS: 3600, factor: 2, capS: 86_400 });
  });

  it.each<[AlertInput['reminders'], { firstS: number; factor: number; capS: number }]>([
    [{ mode: 'backoff', first: '30 min', factor: '1.5', cap: '6h' }, { firstS: 1800, factor: 1.5, capS: 21_600 }],
    [{ mode: 'backoff', first: '5 min', factor: '1', cap: '5 min' }, { firstS: 300, factor: 1, capS: 300 }],
    [{ mode: 'backoff', first: 3600, factor: 10, cap: '7 d' }, { firstS: 3600, factor: 10, capS: 604_800 }],
  ])('back off as typed: %j', (reminders, policy) => {
    expect(spec({ reminders }).reminders).toEqual({ mode: 'backoff', ...policy });
  });

  it.each<[AlertInput['reminders'], Record<string, string>]>([
    [{ mode: 'backoff', first: '4 min' }, { 'reminders.first': 'must be at least 5 min' }],
    [{ mode: 'backoff', first: 'soon' }, { 'reminders.first': 'must be a duration, e.g. 90s, 15 min, 2h or 1d' }],
    [{ mode: 'backoff', first: '2 h', cap: '1 h' }, { 'reminders.cap': 'must be at least the first wait (2 h)' }],
    [{ mode: 'backoff', cap: '8 d' }, { 'reminders.cap': 'must be at most 7 d' }],
    [{ mode: 'backoff', first: '8 d', cap: '7 d' }, { 'reminders.first': 'must be at most 7 d' }],
    [{ mode: 'backoff', factor: '0.5' }, { 'reminders.factor': 'must be a number from 1 to 10, e.g. 2 or 1.5 (1: the same wait every time)' }],
    [{ mode: 'backoff', factor: '11' }, { 'reminders.factor': 'must be a number from 1 to 10, e.g. 2 or 1.5 (1: the same wait every time)' }],
    [{ mode: 'backoff', factor: 'x2' }, { 'reminders.factor': 'must be a number from 1 to 10, e.g. 2 or 1.5 (1: the same wait every time)' }],
    [{ mode: 'snooze' }, { 'reminders.mode': 'choose "repeat every grace period" or "remind with backoff"' }],
  ])('refuses %j', (reminders, expected) => {
    expect(errors({ reminders })).toEqual(expected);
  });

  it('refuses backoff for new rows, which never keep firing', () => {
    expect(errors({ measure: { kind: 'new_rows', keyColumn: 'id' }, condition: null, warning: null, reminders: { mode: 'backoff' } })).toEqual({
      'reminders.mode': 'a new-rows alert never keeps firing, so it has nothing to remind of',
    });
  });
});

describe('quiet hours', () => {
  it('none when the windows are empty, whatever the timezone says', () => {
    expect(spec({ quietHours: { timezone: 'Nowhere/Land', windows: '  ' } }).quietHours).toBeNull();
    expect(spec({}).quietHours).toBeNull();
  });

  it("are read in the schedule's zone unless another is chosen", () => {
    expect(spec({ quietHours: { windows: 'Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00' } }).quietHours).toEqual({
      timezone: 'Europe/Berlin',
      windows: [{ days: [1, 2, 3, 4, 5], from: '20:00', to: '08:00' }, { days: [0, 6], from: '00:00', to: '24:00' }],
    });
    expect(spec({ quietHours: { timezone: 'Asia/Seoul', windows: 'daily 22-6' } }).quietHours).toEqual({ timezone: 'Asia/Seoul', windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '22:00', to: '06:00' }] });
  });

  it('take the stored shape too (a file or an API)', () => {
    expect(spec({ quietHours: { timezone: 'UTC', windows: [{ days: [6, 0, 6], from: '00:00', to: '24:00' }] } }).quietHours).toEqual({ timezone: 'UTC', windows: [{ days: [0, 6], from: '00:00', to: '24:00' }] });
  });

  it.each<[AlertInput['quietHours'], Record<string, string>]>([
    [{ windows: 'Mon-Fry 20:00-08:00' }, { 'quietHours.windows': '"Mon-Fry 20:00-08:00": "fry" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)' }],
    [{ windows: 'Mon 20:00-20:00' }, { 'quietHours.windows': '"Mon 20:00-20:00": starts and ends at the same time; for a whole day write 00:00-24:00' }],
    [{ timezone: 'Mars/Olympus', windows: 'Mon 20:00-08:00' }, { 'quietHours.timezone': '"Mars/Olympus" is not a timezone; choose one from the list' }],
    [{ windows: [{ days: [7], from: '20:00', to: '08:00' }] }, { 'quietHours.windows': 'write windows like "Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00" (at most 14)' }],
  ])('refuses %j', (quietHours, expected) => {
    expect(errors({ quietHours })).toEqual(expected);
  });
});

describe('mentions', () => {
  it('a column, and people and user groups per level, pasted mentions included', () => {
    const saved = spec({
      mentionColumn: ' owner_email ',
      mentions: { critical: { users: ['U0ANA', 'U0ANA'], groups: 'S0ONCALL, <!subteam^S0DBA|@dba>' }, warning: { users: ['W0BO'], groups: '' } },
    });
    expect(saved.mentionColumn).toBe('owner_email');
    expect(saved.mentions).toEqual({ critical: ['U0ANA', 'S0ONCALL', 'S0DBA'], warning: ['W0BO'] });
  });

  it('none when left empty', () => {
    expect(spec({ mentionColumn: '', mentions: { critical: { users: [], groups: ' ' } } })).toMatchObject({ mentionColumn: null, mentions: { warning: [], critical: [] } });
  });

  it.each<[Partial<AlertInput>, Record<string, string>]>([
    [{ mentions: { critical: { groups: '@oncall' } } }, { 'mentions.critical.groups': '"@oncall" is not a user group ID: a user group ID starts with S (in Slack, open the group: its menu copies the ID)' }],
    [{ mentions: { critical: { users: ['C0OPS'] } } }, { 'mentions.critical.users': '"C0OPS" is not a Slack user id' }],
    [{ mentions: { critical: { groups: 'S01 S02 S03 S04 S05 S06' } } }, { 'mentions.critical.groups': 'at most 5 user groups' }],
    [{ mentions: { warning: { users: ['U0ANA'] } }, warning: null }, { 'mentions.warning.users': 'this alert has no warning level: set a warning threshold, or mention them at critical' }],
    [{ mentionColumn: 'x'.repeat(65) }, { mentionColumn: 'must be at most 64 characters' }],
  ])('refuses %j', (overrides, expected) => {
    expect(errors(overrides)).toEqual(expected);
  });
});

describe('recipients per level', () => {
  it('keep their level; one listed at every level and for one gets every level', () => {
    const saved = spec({
      recipients: [
        { kind: 'slack_channel', id: 'C0OPS' },
        { kind: 'slack_channel', id: 'C0TEAM', levels: ['warning'] },
        { kind: 'slack_user', id: 'U0PAGER', levels: ['critical'] },
        { kind: 'email', address: 'pager@example.com', levels: ['critical'] },
        { kind: 'slack_channel', id: 'C0OPS', levels: ['critical'] },
        { kind: 'slack_channel', id: 'C0BOTH', levels: ['warning'] },
        { kind: 'slack_channel', id: 'C0BOTH', levels: ['critical'] },
      ],
    });
    expect(saved.recipients).toEqual([
      { kind: 'slack_channel', id: 'C0OPS' },
      { kind: 'slack_channel', id: 'C0TEAM', levels: ['warning'] },
      { kind: 'slack_user', id: 'U0PAGER', levels: ['critical'] },
      { kind: 'email', address: 'pager@example.com', levels: ['critical'] },
      { kind: 'slack_channel', id: 'C0BOTH' },
    ]);
  });

  it('an alert without a warning level may route to critical (everything is critical)', () => {
    expect(spec({ warning: null, recipients: [{ kind: 'slack_channel', id: 'C0OPS', levels: ['critical'] }] }).recipients).toEqual([{ kind: 'slack_channel', id: 'C0OPS', levels: ['critical'] }]);
  });

  it.each<[Partial<AlertInput>, Record<string, string>]>([
    [
      { warning: null, recipients: [{ kind: 'slack_channel', id: 'C0OPS' }, { kind: 'slack_channel', id: 'C0TEAM', levels: ['warning'] }] },
      { 'recipients.1.levels': 'this alert has no warning level, so nothing would be sent here: set a warning threshold, or send it at critical' },
    ],
    [{ recipients: [{ kind: 'slack_channel', id: 'C0TEAM', levels: ['warning'] }] }, { recipients: 'nobody would get critical messages: add a recipient for all levels or for critical' }],
    [
      { type: 'report', condition: null, warning: null, recipients: [{ kind: 'email', address: 'a@example.com', levels: ['critical'] }] },
      { 'recipients.0.levels': 'a report has no levels: send it to this recipient at all levels' },
    ],
    [{ recipients: [{ kind: 'slack_channel', id: 'C0OPS', levels: [] }] }, { 'recipients.0.levels': 'choose at least one level' }],
    [{ recipients: [{ kind: 'slack_channel', id: 'C0OPS', levels: ['info'] }] } as unknown as Partial<AlertInput>, { 'recipients.0.levels.0': 'choose warning or critical' }],
  ])('refuses %j', (overrides, expected) => {
    expect(errors(overrides)).toEqual(expected);
  });
});

describe('reports', () => {
  it('keep none of it, whatever came with them', () => {
    const saved = spec({ type: 'report', condition: null, warning: null, reminders: { mode: 'backoff', first: 'nonsense' }, quietHours: { windows: 'bad' }, mentionColumn: 'x', mentions: { critical: { groups: 'bad' } } });
    expect(saved).toMatchObject(LEGACY_TRIAGE);
  });
});

describe('several problems at once', () => {
  it('each on its own field, nothing saved', () => {
    expect(
      errors({
        name: '',
        reminders: { mode: 'backoff', first: '1 min', factor: '20' },
        quietHours: { windows: 'Mon 25:00-26:00' },
        mentions: { critical: { groups: 'oncall' } },
      }),
    ).toEqual({
      name: 'A name is required',
      'reminders.first': 'must be at least 5 min',
      'reminders.factor': 'must be a number from 1 to 10, e.g. 2 or 1.5 (1: the same wait every time)',
      'quietHours.windows': '"Mon 25:00-26:00": 25:00 is not a time of day (00:00 to 24:00)',
      'mentions.critical.groups': '"oncall" is not a user group ID: a user group ID starts with S (in Slack, open the group: its menu copies the ID)',
    });
  });
});
