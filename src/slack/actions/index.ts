// Buttons and pickers: on alert messages and Home (value = the alert id; Acknowledge's adds its
// incident), and inside the alert modal (re-render, test query).
import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../handler-deps.js';
import { ACTION } from '../../messages/slack/ids.js';
import { acknowledge, unacknowledge } from './acknowledge.js';
import { create } from './create.js';
import { edit } from './edit.js';
import { history } from './history.js';
import { modalChanged } from './modal-changed.js';
import { pause } from './pause.js';
import { restoreVersion } from './restore-version.js';
import { resume } from './resume.js';
import { runNow } from './run-now.js';
import { snooze1d, snooze1h, snoozeUntil } from './snooze.js';
import { testQuery } from './test-query.js';

export function register(app: App, deps: HandlerDeps): void {
  app.action(ACTION.runNow, runNow(deps));
  app.action(ACTION.snooze1h, snooze1h(deps));
  app.action(ACTION.snooze1d, snooze1d(deps));
  app.action(ACTION.snoozeUntil, snoozeUntil(deps));
  app.action(ACTION.pause, pause(deps));
  app.action(ACTION.resume, resume(deps));
  app.action(ACTION.history, history(deps));
  app.action(ACTION.edit, edit(deps));
  app.action(ACTION.create, create(deps));
  app.action(ACTION.acknowledge, acknowledge(deps));
  app.action(ACTION.unacknowledge, unacknowledge(deps));
  app.action(ACTION.restoreVersion, restoreVersion(deps));

  const rerender = modalChanged(deps);
  app.action(ACTION.typeChanged, rerender);
  app.action(ACTION.schedulePresetChanged, rerender);
  app.action(ACTION.scheduleChanged, rerender);
  app.action(ACTION.contentChanged, rerender);
  app.action(ACTION.measureChanged, rerender);
  app.action(ACTION.conditionOpChanged, rerender);
  app.action(ACTION.remindersChanged, rerender);
  app.action(ACTION.testQuery, testQuery(deps));
}
