// `/alert import`'s submission: the pasted YAML read as an alert file and applied as the person
// (the same checks as the form: their data sources, the alerts they may change; an alert managed
// in a file is refused), all or nothing. Problems go back on the input, one line each with its
// line number; success closes the form and a DM says what was created and changed.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../services/alert-service.js';
import { readAlertFile } from '../../services/alert-files.js';
import type { ApplyResult } from '../../services/alerts-as-code.js';
import type { HandlerDeps } from '../handler-deps.js';
import { ACTION, BLOCK } from '../../messages/slack/ids.js';
import { escapeMrkdwn } from '../../messages/slack/mrkdwn.js';
import { summarizeSlackError } from '../../slack-api/slack-errors.js';
import { importErrorText, importResultLines } from '../blocks/alerts-as-code.js';
import { problemText } from '../commands/problem-text.js';
import { within } from './within.js';

/** Leaves time for the ack's own trip inside Slack's 3 s. */
const SUBMIT_BUDGET_MS = 2300;
/** How the pasted text is named in problems. */
const PASTED = 'pasted';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function importSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const actor: Actor = { userId: body.user.id };
    const text = view.state.values[BLOCK.importText]?.[ACTION.value]?.value ?? '';
    const file = readAlertFile(PASTED, text);
    if (file.problems.length > 0) {
      await ack({ response_action: 'errors', errors: { [BLOCK.importText]: importErrorText(file.problems.map((p) => `line ${p.line}: ${p.message}`)) } });
      return;
    }
    if (file.alerts.length === 0) {
      await ack({ response_action: 'errors', errors: { [BLOCK.importText]: 'No alerts under "alerts:": paste what `/alert export` shows.' } });
      return;
    }
    const applying = Promise.resolve().then(() => deps.code.apply(actor, [file], { prune: false, manage: false }));
    const outcome = await within(applying, SUBMIT_BUDGET_MS);
    if (outcome.kind === 'late') {
      await ack({ response_action: 'errors', errors: { [BLOCK.importText]: 'Still checking and saving: Lookout will send you a message when it is done.' } });
      applying.then(
        (result) => dm(client, deps, actor.userId, resultText(result)),
        (err: unknown) => dm(client, deps, actor.userId, `⚠️ Nothing was imported: ${problemText(err, deps.logger).replace(/^⚠️ /, '')}`),
      );
      return;
    }
    if (outcome.kind === 'failed') {
      await ack({ response_action: 'errors', errors: { [BLOCK.importText]: problemText(outcome.error, deps.logger) } });
      return;
    }
    const result = outcome.value;
    if (result.plan.problems.length > 0) {
      const lines = result.plan.problems.map((p) => `line ${p.line}: ${p.alert === null ? '' : `alert ${p.alert + 1}${p.field ? ` ${p.field}` : ''}: `}${p.message}`);
      await ack({ response_action: 'errors', errors: { [BLOCK.importText]: importErrorText(lines) } });
      return;
    }
    await ack();
    const owners = result.plan.steps.flatMap((s) => (s.kind === 'change' ? s.alert.owners : s.kind === 'create' ? s.prepared.spec.owners : []));
    deps.refreshHomes([actor.userId, ...owners]);
    await dm(client, deps, actor.userId, resultText(result));
  };
}

function resultText(result: ApplyResult): string {
  if (result.plan.problems.length > 0) return `⚠️ Nothing was imported: ${result.plan.problems.length} problems. Open \`/alert import\` again to see them.`;
  if (result.failed !== null) return `⚠️ Importing stopped at “${escapeMrkdwn(result.failed.step.name)}”: ${escapeMrkdwn(result.failed.error)}`;
  const steps = result.plan.steps;
  const lines = importResultLines(
    steps.flatMap((s) => (s.kind === 'create' ? [s.name] : [])),
    steps.flatMap((s) => (s.kind === 'change' ? [{ name: s.name, fields: s.fields }] : [])),
    steps.filter((s) => s.kind === 'unchanged').length,
  );
  return `✅ Imported:\n${escapeMrkdwn(lines.join('\n'))}`;
}

async function dm(client: WebClient, deps: HandlerDeps, userId: string, text: string): Promise<void> {
  try {
    await client.chat.postMessage({ channel: userId, text });
  } catch (err) {
    deps.logger.warn({ ...summarizeSlackError(err), userId }, 'could not send the import result');
  }
}
