// users.info and users.lookupByEmail; `profile.email` needs users:read.email, as on Slack.
// https://docs.slack.dev/reference/methods/users.info
import type { Json } from '../records.js';
import { type SimUser, tzOffsetSeconds } from '../workspace.js';
import { type MethodContext, type MethodTable, requireString, SlackApiError } from './context.js';

function userJson(ctx: MethodContext, u: SimUser): Json {
  const showEmail = ctx.workspace.hasScope('users:read.email') && u.email !== undefined;
  return {
    id: u.id,
    team_id: ctx.workspace.team.id,
    name: u.name,
    real_name: u.real_name,
    deleted: u.deleted,
    tz: u.tz,
    tz_label: u.tz,
    tz_offset: tzOffsetSeconds(u.tz),
    is_bot: u.is_bot,
    is_app_user: false,
    is_admin: false,
    profile: {
      real_name: u.real_name,
      display_name: u.name,
      ...(showEmail ? { email: u.email } : {}),
      team: ctx.workspace.team.id,
    },
  };
}

export const userMethods: MethodTable = {
  'users.info': {
    scope: 'users:read',
    handler(ctx) {
      const user = ctx.workspace.user(requireString(ctx.args, 'user', 'user_not_found'));
      if (!user) throw new SlackApiError('user_not_found');
      return { user: userJson(ctx, user) };
    },
  },

  'users.lookupByEmail': {
    scope: 'users:read.email',
    handler(ctx) {
      const user = ctx.workspace.userByEmail(requireString(ctx.args, 'email', 'users_not_found'));
      if (!user) throw new SlackApiError('users_not_found');
      return { user: userJson(ctx, user) };
    },
  },
};
