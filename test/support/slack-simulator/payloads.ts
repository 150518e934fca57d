// Interaction and event payloads in Slack's shapes, as Socket Mode delivers them.
// https://docs.slack.dev/interactivity/implementing-slash-commands
// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
import { unixSeconds } from './ids.js';
import type { Json, SlackView } from './records.js';
import type { Workspace } from './workspace.js';

/** Bolt ignores it in Socket Mode; Slack still sends one. */
export const VERIFICATION_TOKEN = 'sim-verification-token';

export function userRef(workspace: Workspace, userId: string): Json {
  const user = workspace.user(userId);
  return { id: userId, username: user?.name ?? userId, name: user?.name ?? userId, team_id: workspace.team.id };
}

export function teamRef(workspace: Workspace): Json {
  return { id: workspace.team.id, domain: workspace.team.domain };
}

export function slashCommandPayload(
  workspace: Workspace,
  p: { command: string; text: string; user_id: string; channel_id: string; channel_name: string; trigger_id: string; response_url: string },
): Json {
  // Slash command bodies are form fields on the wire: every value is a string.
  return {
    token: VERIFICATION_TOKEN,
    team_id: workspace.team.id,
    team_domain: workspace.team.domain,
    channel_id: p.channel_id,
    channel_name: p.channel_name,
    user_id: p.user_id,
    user_name: workspace.user(p.user_id)?.name ?? p.user_id,
    command: p.command,
    text: p.text,
    api_app_id: workspace.appId,
    is_enterprise_install: 'false',
    response_url: p.response_url,
    trigger_id: p.trigger_id,
  };
}

export function interactivePayload(workspace: Workspace, type: string, user: string, rest: Json): Json {
  return {
    type,
    user: userRef(workspace, user),
    api_app_id: workspace.appId,
    token: VERIFICATION_TOKEN,
    team: teamRef(workspace),
    enterprise: null,
    is_enterprise_install: false,
    ...rest,
  };
}

export function viewPayload(view: SlackView): SlackView {
  return structuredClone(view);
}

export function eventPayload(workspace: Workspace, eventId: string, event: Json): Json {
  return {
    token: VERIFICATION_TOKEN,
    team_id: workspace.team.id,
    context_team_id: workspace.team.id,
    context_enterprise_id: null,
    api_app_id: workspace.appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: unixSeconds(),
    authorizations: [{ enterprise_id: null, team_id: workspace.team.id, user_id: workspace.bot.id, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(eventId).toString('base64url')}`,
  };
}

/** An event_ts like Slack's: seconds with microseconds. */
export function eventTs(): string {
  return (Date.now() / 1000).toFixed(6);
}
