// Modal submissions.
import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../handler-deps.js';
import { CALLBACK } from '../../messages/slack/ids.js';
import { alertModalSubmit } from './alert-modal-submit.js';
import { importSubmit } from './import-submit.js';

export function register(app: App, deps: HandlerDeps): void {
  app.view({ callback_id: CALLBACK.alertModal, type: 'view_submission' }, alertModalSubmit(deps));
  app.view({ callback_id: CALLBACK.importModal, type: 'view_submission' }, importSubmit(deps));
}
