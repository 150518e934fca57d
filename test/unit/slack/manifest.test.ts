// manifest.yml asks for exactly the bot scopes the code uses and /alert doctor checks.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { REQUIRED_BOT_SCOPES } from '../../../src/slack/scopes.js';

const manifest = parse(readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8'));

describe('manifest.yml', () => {
  it('lists exactly the required bot scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...REQUIRED_BOT_SCOPES].sort());
  });
  it('turns on Socket Mode, interactivity, the Home tab, /alert and app_home_opened', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/alert']);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
  });
});
