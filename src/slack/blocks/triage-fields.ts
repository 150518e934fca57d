// The modal's triage part (issue 4/6): who gets which level ("Warning goes to", "Critical goes
// to", beside the recipients of every level), how a firing alert reminds (every grace period, or
// with backoff), its quiet hours, and who it mentions (a result column, people and user groups per
// level). Each input's block_id is the service's field key (services/triage-input.ts); which of
// them show is modal-visibility.ts's rule. Here: the form's values, drawn, read back and sent.
import type { ViewOutput } from '@slack/bolt';
import type { KnownBlock, PlainTextOption } from '@slack/types';
import { describeQuietWindows, QUIET_TEXT_MAX } from '../../domain/quiet-window-text.js';
import type { Alert, Level, Recipient } from '../../domain/types.js';
import { ACTION, BLOCK } from '../../messages/slack/ids.js';
import { context, header, initialText, input, option, plain } from '../../messages/slack/kit.js';
import { SLACK_LIMITS } from '../../messages/slack/limits.js';
import { LIMITS } from '../../services/alert-input.js';
import type { TriageInput } from '../../services/triage-input.js';
import { isShown, type ModalChoices } from './modal-visibility.js';
import { timezoneChoices } from './timezones.js';

export type ReminderMode = 'grace' | 'backoff';

/** Each level's recipient inputs. */
export const ROUTE_BLOCKS: Record<Level, { channels: string; users: string; emails: string }> = {
  warning: { channels: BLOCK.warningChannels, users: BLOCK.warningUsers, emails: BLOCK.warningEmails },
  critical: { channels: BLOCK.criticalChannels, users: BLOCK.criticalUsers, emails: BLOCK.criticalEmails },
};

/** One level's own recipients, as the form holds them. */
export interface RouteValues {
  channels: string[];
  users: string[];
  /** As typed: separated by commas, semicolons or whitespace. */
  emails: string;
}

export interface TriageValues {
  reminderMode: ReminderMode;
  /** Durations as typed ("1 h", "30 min"); the factor as a number in text. */
  reminderFirst: string;
  reminderFactor: string;
  reminderCap: string;
  /** The quiet hours' zone; '': the schedule's, whatever it is when saved. */
  quietTimezone: string;
  /** Windows as typed: "Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00". */
  quietWindows: string;
  mentionColumn: string;
  mentionUsers: Record<Level, string[]>;
  /** User group ids as typed, per level. */
  mentionGroups: Record<Level, string>;
  /** Recipients of one level only, in addition to those of every level. */
  routes: Record<Level, RouteValues>;
}

/** The backoff a person starts from: first after 1 h, twice the wait each time, at most 24 h. */
export const REMINDER_DEFAULTS = { first: '1 h', factor: '2', cap: '24 h' } as const;

/** The quiet-hours zone option that means "the schedule's" (a select's value cannot be empty). */
const SCHEDULE_ZONE = 'schedule';

export function defaultTriageValues(): TriageValues {
  return {
    reminderMode: 'grace',
    reminderFirst: REMINDER_DEFAULTS.first,
    reminderFactor: REMINDER_DEFAULTS.factor,
    reminderCap: REMINDER_DEFAULTS.cap,
    quietTimezone: '',
    quietWindows: '',
    mentionColumn: '',
    mentionUsers: { warning: [], critical: [] },
    mentionGroups: { warning: '', critical: '' },
    routes: { warning: emptyRoute(), critical: emptyRoute() },
  };
}

function emptyRoute(): RouteValues {
  return { channels: [], users: [], emails: '' };
}

/** A stored alert's triage settings as form values. */
export function triageValuesOf(alert: Alert): TriageValues {
  const base = defaultTriageValues();
  const reminders = alert.reminders;
  const routes = { warning: emptyRoute(), critical: emptyRoute() };
  for (const level of ['warning', 'critical'] as const) {
    const only = alert.recipients.filter((r) => levelOnly(r) === level);
    routes[level] = {
      channels: only.flatMap((r) => (r.kind === 'slack_channel' ? [r.id] : [])),
      users: only.flatMap((r) => (r.kind === 'slack_user' ? [r.id] : [])),
      emails: only.flatMap((r) => (r.kind === 'email' ? [r.address] : [])).join(', '),
    };
  }
  const mentioned = (level: Level) => alert.mentions[level];
  return {
    ...base,
    ...(reminders.mode === 'backoff'
      ? { reminderMode: 'backoff', reminderFirst: durationText(reminders.firstS), reminderFactor: String(reminders.factor), reminderCap: durationText(reminders.capS) }
      : {}),
    // Quiet hours in the schedule's zone show as "same as the schedule", so they follow it when it changes.
    quietTimezone: alert.quietHours === null || alert.quietHours.timezone === alert.schedule.timezone ? '' : alert.quietHours.timezone,
    quietWindows: alert.quietHours === null ? '' : describeQuietWindows(alert.quietHours.windows),
    mentionColumn: alert.mentionColumn ?? '',
    mentionUsers: { warning: mentioned('warning').filter(isUserId), critical: mentioned('critical').filter(isUserId) },
    mentionGroups: { warning: mentioned('warning').filter((id) => !isUserId(id)).join(', '), critical: mentioned('critical').filter((id) => !isUserId(id)).join(', ') },
    routes,
  };
}

/** The one level a recipient is routed to, or null when it gets every level. */
export function levelOnly(r: Recipient): Level | null {
  return r.levels !== undefined && r.levels.length === 1 ? (r.levels[0] ?? null) : null;
}

function isUserId(id: string): boolean {
  return /^[UW]/.test(id);
}

/** Seconds as the form shows them, in the largest unit that divides them: "2 h", "90 min", "45 s". */
export function durationText(seconds: number): string {
  const unit = ([[86_400, 'd'], [3_600, 'h'], [60, 'min']] as const).find(([size]) => seconds > 0 && seconds % size === 0);
  return unit === undefined ? `${seconds} s` : `${seconds / unit[0]} ${unit[1]}`;
}

/**
 * What the service gets: the settings shown for these choices (hidden ones are left out, so
 * they take their defaults), and the recipients of one level each, in the order the modal lists
 * them (warning's channels, people, emails, then critical's), after those of every level.
 */
export function triageInputOf(t: TriageValues, choices: ModalChoices): { input: TriageInput; recipients: Recipient[] } {
  const shown = (block: string) => isShown(block, choices);
  const input: TriageInput = {};
  if (shown(BLOCK.remindersMode)) {
    input.reminders = shown(BLOCK.remindersFirst)
      ? { mode: t.reminderMode, first: t.reminderFirst, factor: t.reminderFactor, cap: t.reminderCap }
      : { mode: t.reminderMode };
  }
  if (shown(BLOCK.quietWindows)) input.quietHours = { timezone: t.quietTimezone, windows: t.quietWindows };
  if (shown(BLOCK.mentionColumn)) input.mentionColumn = t.mentionColumn;
  if (shown(BLOCK.mentionCriticalUsers)) {
    input.mentions = {
      warning: { users: t.mentionUsers.warning, groups: t.mentionGroups.warning },
      critical: { users: t.mentionUsers.critical, groups: t.mentionGroups.critical },
    };
  }
  const recipients: Recipient[] = [];
  if (shown(BLOCK.warningChannels)) {
    for (const level of ['warning', 'critical'] as const) recipients.push(...routeRecipients(t.routes[level], level));
  }
  return { input, recipients };
}

function routeRecipients(route: RouteValues, level: Level): Recipient[] {
  const levels: Level[] = [level];
  return [
    ...route.channels.map((id): Recipient => ({ kind: 'slack_channel', id, levels })),
    ...route.users.map((id): Recipient => ({ kind: 'slack_user', id, levels })),
    ...splitAddresses(route.emails).map((address): Recipient => ({ kind: 'email', address, levels })),
  ];
}

/** Addresses typed in one field, split on commas, semicolons and whitespace (as modal-values.ts does). */
export function splitAddresses(text: string): string[] {
  return text.split(/[\s,;]+/).filter((s) => s !== '');
}

type StateValues = ViewOutput['state']['values'];

/** The triage part of view.state.values; a block not on screen keeps `fallback`'s value. */
export function readTriageValues(state: StateValues, fallback: TriageValues = defaultTriageValues()): TriageValues {
  const get = (block: string, action: string = ACTION.value) => state[block]?.[action];
  const has = (block: string) => state[block] !== undefined;
  const text = (block: string, otherwise: string) => (has(block) ? (get(block)?.value ?? '') : otherwise);
  const users = (block: string, otherwise: string[]) => (has(block) ? (get(block)?.selected_users ?? []) : otherwise);
  const conversations = (block: string, otherwise: string[]) => (has(block) ? (get(block)?.selected_conversations ?? []) : otherwise);
  const mode = get(BLOCK.remindersMode, ACTION.remindersChanged)?.selected_option?.value;
  const route = (level: Level): RouteValues => ({
    channels: conversations(ROUTE_BLOCKS[level].channels, fallback.routes[level].channels),
    users: users(ROUTE_BLOCKS[level].users, fallback.routes[level].users),
    emails: text(ROUTE_BLOCKS[level].emails, fallback.routes[level].emails),
  });
  return {
    reminderMode: mode === 'backoff' || mode === 'grace' ? mode : fallback.reminderMode,
    reminderFirst: text(BLOCK.remindersFirst, fallback.reminderFirst),
    reminderFactor: text(BLOCK.remindersFactor, fallback.reminderFactor),
    reminderCap: text(BLOCK.remindersCap, fallback.reminderCap),
    quietTimezone: quietZone(get(BLOCK.quietTimezone)?.selected_option?.value, fallback.quietTimezone),
    quietWindows: text(BLOCK.quietWindows, fallback.quietWindows),
    mentionColumn: text(BLOCK.mentionColumn, fallback.mentionColumn),
    mentionUsers: {
      warning: users(BLOCK.mentionWarningUsers, fallback.mentionUsers.warning),
      critical: users(BLOCK.mentionCriticalUsers, fallback.mentionUsers.critical),
    },
    mentionGroups: {
      warning: text(BLOCK.mentionWarningGroups, fallback.mentionGroups.warning),
      critical: text(BLOCK.mentionCriticalGroups, fallback.mentionGroups.critical),
    },
    routes: { warning: route('warning'), critical: route('critical') },
  };
}

function quietZone(selected: string | undefined, fallback: string): string {
  if (selected === undefined) return fallback;
  return selected === SCHEDULE_ZONE ? '' : selected;
}

// ---------------------------------------------------------------------------------------------
// Drawing

/** "Warning goes to" and "Critical goes to": each level's own channels, people and addresses. */
export function routingBlocks(t: TriageValues, choices: ModalChoices): KnownBlock[] {
  if (!isShown(BLOCK.warningChannels, choices)) return [];
  return [
    context(
      ['*By level* — the recipients above get every level. These get only their level: its firing messages, escalations to it and reminders, and the resolved message of an incident they were sent. Without a warning level, everything is critical.'],
      BLOCK.levelRoutingNote,
    ),
    ...routeInputs('warning', 'Warning goes to', t.routes.warning),
    ...routeInputs('critical', 'Critical goes to', t.routes.critical),
  ];
}

function routeInputs(level: Level, label: string, route: RouteValues): KnownBlock[] {
  const blocks = ROUTE_BLOCKS[level];
  return [
    input(
      blocks.channels,
      `${label}: channels`,
      {
        type: 'multi_conversations_select',
        action_id: ACTION.value,
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        max_selected_items: LIMITS.recipients,
        ...(route.channels.length > 0 ? { initial_conversations: route.channels.slice(0, LIMITS.recipients) } : {}),
      },
      { optional: true },
    ),
    input(
      blocks.users,
      `${label}: people`,
      { type: 'multi_users_select', action_id: ACTION.value, max_selected_items: LIMITS.recipients, ...(route.users.length > 0 ? { initial_users: route.users.slice(0, LIMITS.recipients) } : {}) },
      { optional: true },
    ),
    input(
      blocks.emails,
      `${label}: email addresses`,
      { type: 'plain_text_input', action_id: ACTION.value, placeholder: plain(`${level}@example.com`, SLACK_LIMITS.placeholder), ...initialText(route.emails, SLACK_LIMITS.plainTextInput) },
      { optional: true },
    ),
  ];
}

/** Reminders and quiet hours. `zones`: the schedule's and the person's, offered first. */
export function reminderBlocks(t: TriageValues, choices: ModalChoices, zones: { schedule: string; user: string }): KnownBlock[] {
  if (!isShown(BLOCK.quietWindows, choices)) return [];
  const blocks: KnownBlock[] = [header('Reminders and quiet hours')];
  if (isShown(BLOCK.remindersMode, choices)) {
    const options: PlainTextOption[] = [
      { ...option('Repeat every grace period', 'grace'), description: plain('A repeat each time the grace period has passed', SLACK_LIMITS.optionText) },
      { ...option('Remind with backoff', 'backoff'), description: plain('A first wait, then longer ones, up to a longest wait', SLACK_LIMITS.optionText) },
    ];
    const initial = options.find((o) => o.value === t.reminderMode);
    blocks.push(
      input(BLOCK.remindersMode, 'While it keeps firing', { type: 'radio_buttons', action_id: ACTION.remindersChanged, options, ...(initial ? { initial_option: initial } : {}) }, { dispatch: true }),
    );
  }
  if (isShown(BLOCK.remindersFirst, choices)) {
    blocks.push(
      textInput(BLOCK.remindersFirst, 'First reminder after', t.reminderFirst, `At least 5 min, e.g. 30 min, 1 h or 2 h. Empty: ${REMINDER_DEFAULTS.first}.`),
      textInput(BLOCK.remindersFactor, 'Then multiply the wait by', t.reminderFactor, `1 to 10, e.g. 2 or 1.5 (1: the same wait every time). Empty: ${REMINDER_DEFAULTS.factor}.`),
      textInput(BLOCK.remindersCap, 'Longest wait between reminders', t.reminderCap, `From the first wait up to 7 d. Empty: ${REMINDER_DEFAULTS.cap}.`),
    );
  }
  // "Same as the schedule" first: it follows the schedule's zone when that changes.
  const selected = t.quietTimezone !== '' ? t.quietTimezone : SCHEDULE_ZONE;
  const { pinned, common } = timezoneChoices([t.quietTimezone, zones.user]);
  const groups = [
    { label: plain('Schedule and yours', SLACK_LIMITS.optionText), options: [option(`Same as the schedule${zones.schedule !== '' ? ` (${zones.schedule})` : ''}`, SCHEDULE_ZONE), ...pinned.map((z) => option(z, z))] },
    { label: plain('Common', SLACK_LIMITS.optionText), options: common.slice(0, SLACK_LIMITS.selectOptions - pinned.length - 1).map((z) => option(z, z)) },
  ].filter((g) => g.options.length > 0);
  const initialZone = groups.flatMap((g) => g.options).find((o) => o.value === selected);
  blocks.push(
    input(
      BLOCK.quietWindows,
      'Quiet hours',
      {
        type: 'plain_text_input',
        action_id: ACTION.value,
        max_length: QUIET_TEXT_MAX,
        placeholder: plain('Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00', SLACK_LIMITS.placeholder),
        ...initialText(t.quietWindows, QUIET_TEXT_MAX),
      },
      {
        optional: true,
        hint: `Nothing is sent in these windows. Days are the days a window starts; one that ends before it starts runs past midnight. At most ${LIMITS.quietWindows}, separated by commas. Empty: none.`,
      },
    ),
    input(BLOCK.quietTimezone, 'Quiet hours timezone', { type: 'static_select', action_id: ACTION.value, option_groups: groups, ...(initialZone ? { initial_option: initialZone } : {}) }, { optional: true }),
  );
  return blocks;
}

/** The mention column and who is mentioned at each level. */
export function mentionBlocks(t: TriageValues, choices: ModalChoices): KnownBlock[] {
  if (!isShown(BLOCK.mentionColumn, choices)) return [];
  const blocks: KnownBlock[] = [
    header('Mentions'),
    input(
      BLOCK.mentionColumn,
      'Mention column',
      { type: 'plain_text_input', action_id: ACTION.value, max_length: LIMITS.columnLength, placeholder: plain('owner_email', SLACK_LIMITS.placeholder), ...initialText(t.mentionColumn, LIMITS.columnLength) },
      { optional: true, hint: 'A result column of Slack user ids or email addresses: the people in the rows that fire are mentioned. Empty: none.' },
    ),
  ];
  if (isShown(BLOCK.mentionCriticalUsers, choices)) {
    blocks.push(
      ...levelMentionInputs('Critical', t, 'critical', BLOCK.mentionCriticalUsers, BLOCK.mentionCriticalGroups),
      ...levelMentionInputs('Warning', t, 'warning', BLOCK.mentionWarningUsers, BLOCK.mentionWarningGroups),
    );
  }
  return blocks;
}

function levelMentionInputs(label: string, t: TriageValues, level: Level, usersBlock: string, groupsBlock: string): KnownBlock[] {
  const users = t.mentionUsers[level];
  return [
    input(
      usersBlock,
      `${label}: mention people`,
      { type: 'multi_users_select', action_id: ACTION.value, max_selected_items: LIMITS.mentionUsers, ...(users.length > 0 ? { initial_users: users.slice(0, LIMITS.mentionUsers) } : {}) },
      { optional: true },
    ),
    textInput(
      groupsBlock,
      `${label}: mention user groups`,
      t.mentionGroups[level],
      // Slack has no user-group picker for modals, and listing groups needs usergroups:read, which Lookout does not ask for.
      `User group IDs (S…), separated by commas, at most ${LIMITS.mentionGroups}: in Slack, open the group and copy its ID from its menu.`,
      'S0123ABCD',
    ),
  ];
}

function textInput(blockId: string, label: string, value: string, hint: string, placeholder?: string): KnownBlock {
  return input(
    blockId,
    label,
    { type: 'plain_text_input', action_id: ACTION.value, max_length: 200, ...(placeholder ? { placeholder: plain(placeholder, SLACK_LIMITS.placeholder) } : {}), ...initialText(value, 200) },
    { optional: true, hint },
  );
}
