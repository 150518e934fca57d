// auth.test (the bot's identity; X-OAuth-Scopes rides on every response) and
// apps.connections.open (app token → a one-time Socket Mode URL).
import type { MethodTable } from './context.js';

export const authMethods: MethodTable = {
  'auth.test': {
    handler(ctx) {
      const { team, bot } = ctx.workspace;
      return {
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: bot.name,
        team_id: team.id,
        user_id: bot.id,
        bot_id: bot.bot_id,
        is_enterprise_install: false,
      };
    },
  },

  'apps.connections.open': {
    token: 'app',
    handler(ctx) {
      return { url: ctx.issueSocketUrl() };
    },
  },
};
