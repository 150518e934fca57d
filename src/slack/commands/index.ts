// Slash commands: `/alert` only, with its subcommands parsed from the text.
import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../handler-deps.js';
import { alertCommand } from './alert.js';

export function register(app: App, deps: HandlerDeps): void {
  app.command('/alert', alertCommand(deps));
}
