// The modal's Test query: run the SQL once (read-only) and show in the modal what came back, or
// the database's message, and what the form's rules would do with it (the service decides).
import type { TestQueryResult } from '../../messages/test-query-result.js';
import type { HandlerDeps } from '../handler-deps.js';
import { modalValuesToAlertInput, parseModalMetadata } from '../blocks/alert-modal.js';
import { problemText } from '../commands/problem-text.js';
import { modalValues, updateAlertModal } from '../views/update-alert-modal.js';
import type { ActionArgs } from './button-handler.js';

export const testQuery = (deps: HandlerDeps) =>
  async ({ ack, body, client }: ActionArgs): Promise<void> => {
    await ack();
    if (body.view === undefined) return;
    const actor = { userId: body.user.id };
    const values = modalValues(body.view);
    let result: TestQueryResult;
    if (values.dataSource === '') {
      result = { ok: false, error: 'Choose a data source first.' };
    } else {
      const { alertId } = parseModalMetadata(body.view.private_metadata);
      const draft = modalValuesToAlertInput(values);
      result = await deps.service
        .testQuery(actor, { dataSource: values.dataSource, sql: values.sql, draft, alertId, owners: values.owners })
        .catch((err: unknown): TestQueryResult => ({ ok: false, error: problemText(err, deps.logger).replace(/^⚠️ /, '') }));
    }
    await updateAlertModal(client, deps, body.view, actor, { testResult: result });
  };
