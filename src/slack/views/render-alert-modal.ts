// The alert modal for given values: the builder fed with what only the service knows (the
// data sources this person may use, the schedule's next runs). Used to open, re-render after
// a switch, and show a test query's result.
import type { ModalView } from '@slack/types';
import type { TestQueryResult } from '../../messages/test-query-result.js';
import type { Actor } from '../../services/alert-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import { buildAlertModal, scheduleFromModalValues, type ModalValues } from '../blocks/alert-modal.js';

const PREVIEW_RUNS = 3;

export interface AlertModalState {
  mode: 'create' | 'edit';
  alertId: string | null;
  values: ModalValues;
  actor: Actor;
  userTimezone: string;
  testResult?: TestQueryResult | null;
}

export function renderAlertModal(deps: Pick<HandlerDeps, 'service' | 'clock'>, state: AlertModalState): ModalView {
  return buildAlertModal({
    mode: state.mode,
    ...(state.alertId !== null ? { alertId: state.alertId } : {}),
    values: state.values,
    dataSources: deps.service.usableDataSources(state.actor),
    userTimezone: state.userTimezone,
    now: deps.clock(),
    testResult: state.testResult ?? null,
    preview: schedulePreview(deps, state.values),
  });
}

/** The next runs in the schedule's zone, or why there are none. */
function schedulePreview(deps: Pick<HandlerDeps, 'service'>, values: ModalValues): Date[] | string {
  const { schedule, error } = scheduleFromModalValues(values);
  if (error !== null) return error;
  const preview = deps.service.previewSchedule(schedule, PREVIEW_RUNS);
  return preview.ok ? preview.runs : Object.values(preview.errors).join(' ');
}
