// The modal's schedule part: a preset (every N minutes, hourly, daily, weekly, custom cron) with
// the fields that preset needs, the timezone, and a preview of the next runs. Each field
// dispatches an action so the handler can re-render the preview as the person types.
import type { KnownBlock, PlainTextOption } from '@slack/types';
import { describeSchedule, nextRuns, PRESET_MINUTE_STEPS, validateSchedule } from '../../domain/schedule.js';
import { ACTION, BLOCK } from '../../messages/slack/ids.js';
import { context, initialText, input, option, plain, staticSelect } from '../../messages/slack/kit.js';
import { SLACK_LIMITS } from '../../messages/slack/limits.js';
import { effectiveTimezone, scheduleFromModalValues, type ModalValues, type SchedulePresetKind } from './modal-values.js';
import { escapeMrkdwn } from '../../messages/slack/mrkdwn.js';
import { formatInZone } from '../../messages/time.js';
import { isShown } from './modal-visibility.js';
import { timezoneChoices } from './timezones.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const PRESET_LABELS: Record<SchedulePresetKind, string> = {
  every_minutes: 'Every N minutes',
  hourly: 'Every hour',
  daily: 'Every day',
  weekly: 'Every week',
  custom: 'Custom (cron)',
};

const PRESET_RUNS = 3;

export function scheduleBlocks(v: ModalValues, userTimezone: string): KnownBlock[] {
  const presetOptions = (Object.keys(PRESET_LABELS) as SchedulePresetKind[]).map((k) => option(PRESET_LABELS[k], k));
  const blocks: KnownBlock[] = [
    input(BLOCK.schedulePreset, 'Runs', staticSelect(ACTION.schedulePresetChanged, presetOptions, v.schedulePreset, 'How often'), { dispatch: true }),
  ];
  const dispatchSelect = (blockId: string, label: string, options: PlainTextOption[], selected: string): KnownBlock =>
    input(blockId, label, staticSelect(ACTION.scheduleChanged, options, selected, label), { dispatch: true });
  // Each preset's fields; modal-visibility.ts says which preset shows which.
  const presetFields: KnownBlock[] = [
    dispatchSelect(BLOCK.scheduleEveryMinutes, 'Every', PRESET_MINUTE_STEPS.map((n) => option(n === 1 ? 'minute' : `${n} minutes`, String(n))), v.everyMinutes),
    dispatchSelect(BLOCK.scheduleMinute, 'At minute', Array.from({ length: 60 }, (_, m) => option(`:${String(m).padStart(2, '0')}`, String(m))), v.minute),
    // Monday first in the list; the values are cron's (0 = Sunday).
    dispatchSelect(BLOCK.scheduleWeekday, 'On', [1, 2, 3, 4, 5, 6, 0].map((d) => option(WEEKDAYS[d] ?? String(d), String(d))), v.weekday),
    input(BLOCK.scheduleTime, 'At', { type: 'timepicker', action_id: ACTION.scheduleChanged, ...(/^\d{2}:\d{2}$/.test(v.time) ? { initial_time: v.time } : {}) }, { dispatch: true }),
    input(BLOCK.scheduleCron, 'Cron', { type: 'plain_text_input', action_id: ACTION.scheduleChanged, placeholder: plain('0 9 * * 1-5', SLACK_LIMITS.placeholder), ...initialText(v.cron, 200) }, {
      dispatch: true,
      hint: '5 fields: minute hour day-of-month month day-of-week. Press Enter to preview.',
    }),
  ];
  blocks.push(...presetFields.filter((b) => isShown(b.block_id ?? '', v)));
  const { pinned, common } = timezoneChoices([userTimezone, v.timezone]);
  const groups = [
    { label: plain('Yours', SLACK_LIMITS.optionText), options: pinned.map((z) => option(z, z)) },
    { label: plain('Common', SLACK_LIMITS.optionText), options: common.map((z) => option(z, z)) },
  ].filter((g) => g.options.length > 0);
  const selectedZone = v.timezone !== '' ? v.timezone : userTimezone;
  const initialZone = groups.flatMap((g) => g.options).find((o) => o.value === selectedZone);
  blocks.push(
    input(
      BLOCK.scheduleTimezone,
      'Timezone',
      { type: 'static_select', action_id: ACTION.scheduleChanged, option_groups: groups, ...(initialZone ? { initial_option: initialZone } : {}) },
      { dispatch: true },
    ),
    input(
      BLOCK.scheduleTimezoneOther,
      'Other timezone',
      { type: 'plain_text_input', action_id: ACTION.scheduleChanged, placeholder: plain('e.g. Asia/Almaty', SLACK_LIMITS.placeholder), ...initialText(v.timezoneOther, 64) },
      { optional: true, dispatch: true, hint: 'Any IANA name; when filled it replaces the timezone above.' },
    ),
  );
  return blocks;
}

/** The context block previewing the next runs in the schedule's own zone, or why there are none. */
export function schedulePreviewBlock(v: ModalValues, now: Date, preview: Date[] | string | undefined): KnownBlock {
  return context([previewText(v, now, preview)], BLOCK.schedulePreview);
}

function previewText(v: ModalValues, now: Date, given: Date[] | string | undefined): string {
  const zone = effectiveTimezone(v);
  let preview = given;
  const { schedule, error } = scheduleFromModalValues(v);
  if (preview === undefined) {
    const problems = error !== null ? [error] : Object.values(validateSchedule(schedule));
    preview = problems.length > 0 ? problems.join(' ') : nextRuns(schedule, now, PRESET_RUNS);
  }
  if (typeof preview === 'string') return `⚠️ ${escapeMrkdwn(preview)}`;
  if (preview.length === 0) return 'No upcoming runs.';
  const words = schedule.cron !== '' ? `${escapeMrkdwn(describeSchedule(schedule))}. ` : '';
  return `${words}Next: ${preview.slice(0, PRESET_RUNS).map((d) => formatInZone(d, zone)).join(' · ')}`;
}
