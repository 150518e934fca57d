// Events Lookout listens to.
import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../handler-deps.js';
import { appHomeOpened } from './app-home-opened.js';

export function register(app: App, deps: HandlerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
}
