// The App Home tab (views.publish on app_home_opened): how to create an alert, the admins' mute
// while it lasts, then each alert with its state, schedule, last and next run, and buttons. Slack allows 100 blocks in a view,
// so a long list shows the first alerts (only those are read) and points to `/alert list`.
import type { HomeView, KnownBlock } from '@slack/types';
import { describeSchedule } from '../../domain/schedule.js';
import type { Alert, Mute } from '../../domain/types.js';
import { muteLine } from '../../messages/mute-status.js';
import { inlines } from '../../messages/slack/render-slack.js';
import { ACTION, BLOCK } from '../../messages/slack/ids.js';
import { alertActions } from '../../messages/slack/alert-actions.js';
import { alertStatus, TIMES_NOTE, when } from '../../messages/alert-status.js';
import { actions, button, context, divider, header, section } from '../../messages/slack/kit.js';
import { SLACK_LIMITS } from '../../messages/slack/limits.js';
import { bold, code, escapeMrkdwn } from '../../messages/slack/mrkdwn.js';
import { managedLine } from './alerts-as-code.js';
import { failingRecipientsBlocks, type HomeFailing } from './home-deliveries.js';

export interface HomeInput {
  /** The person's first alerts (at most HOME_ALERTS_MAX are ever shown). */
  alerts: Alert[];
  /** How many alerts they have in all; `alerts.length` when absent, and never taken below it. */
  total?: number;
  userId: string;
  now: Date;
  isAdmin: boolean;
  /** The admins' mute while it lasts (activeMute), shown on top. */
  mute?: Mute | null;
  /** Recipients of the person's alerts failing now (home-deliveries.ts); none when absent. */
  failing?: HomeFailing | null;
}

/** Blocks one alert takes: its section, its buttons, a divider. */
const BLOCKS_PER_ALERT = 3;

/** No Home shows more alerts than fit in a view's blocks, so no more need be read for it. */
export const HOME_ALERTS_MAX = Math.floor(SLACK_LIMITS.viewBlocks / BLOCKS_PER_ALERT);

export function buildHome(input: HomeInput): HomeView {
  const { alerts, now } = input;
  const total = Math.max(input.total ?? alerts.length, alerts.length);
  const top: KnownBlock[] = [
    header('Lookout'),
    section(
      `SQL alerts and scheduled reports, posted here in Slack. Create one with ${code('/alert create')}; ` +
        `${code('/alert help')} lists every command.`,
    ),
    actions(BLOCK.homeCreate, [button('New alert or report', ACTION.create, 'create', 'primary')]),
    ...(input.mute ? [section(inlines(muteLine(input.mute, 'UTC')))] : []),
    ...(input.isAdmin
      ? [context([`You are a Lookout admin: ${code('/alert list all')} shows everyone's alerts; ${code('/alert mute all 2h')} holds everything Lookout would send, e.g. during maintenance.`])]
      : []),
    divider(),
  ];
  top.push(...failingRecipientsBlocks(input.failing));
  if (alerts.length === 0) {
    return { type: 'home', blocks: [...top, section('You have no alerts or reports yet.')] };
  }
  // Room for the alerts after the times note, keeping one block for the "and N more" line when needed.
  const room = SLACK_LIMITS.viewBlocks - top.length - 1;
  const fitsAll = total * BLOCKS_PER_ALERT <= room;
  const shown = fitsAll ? alerts : alerts.slice(0, Math.floor((room - 1) / BLOCKS_PER_ALERT));
  const blocks = [...top, context([TIMES_NOTE]), ...shown.flatMap((a) => alertBlocks(a, now))];
  if (!fitsAll) blocks.push(context([`…and ${total - shown.length} more — ${code('/alert list')}`]));
  return { type: 'home', blocks };
}

/** One alert; every time on it in its schedule's zone, as the schedule line says. */
function alertBlocks(alert: Alert, now: Date): KnownBlock[] {
  const zone = alert.schedule.timezone;
  const lines = [
    `${bold(alert.name)} · ${alert.type} · ${escapeMrkdwn(alertStatus(alert, now))}`,
    escapeMrkdwn(describeSchedule(alert.schedule)),
    `Last run: ${when(alert.lastEvaluatedAt, zone, 'never')} · Next run: ${alert.active ? when(alert.nextRunAt, zone, 'not scheduled') : 'paused'}`,
    ...(alert.managedBy !== null ? [`📄 ${managedLine(alert.managedBy)}`] : []),
  ];
  return [section(lines.join('\n')), alertActions(alert, ['runNow', 'snooze1h', 'pauseOrResume', 'history', 'edit']), divider()];
}
