// Validation of what a person submits for an alert or report, from the Slack modal or an alert
// file: every field checked by the one alert schema (alert-schema.ts), then what depends on the
// person (the data sources they may use, the screenshot hosts, who owns it when nobody is
// named). Every problem is reported against its field (the modal shows them with
// response_action: errors; files with their line), nothing half-saved.
import { hostAllowed } from '../domain/content.js';
import type { AlertSpec } from '../domain/types.js';
import type { RulesInput } from './alert-rules-input.js';
import type { TriageInput } from './triage-input.js';
import { alertSchema, type AlertDraft } from './alert-schema.js';
import { issuesToFieldErrors } from './input-checks.js';

export { LIMITS } from './alert-schema.js';

/**
 * What a front end submits; loose on purpose, tightened by validateAlertInput. The rules
 * (condition, measure, labels, warning, pendingTicks, keepFiringTicks) are RulesInput's; the
 * triage settings (reminders, quiet hours, mentions) TriageInput's. A recipient may carry the
 * `levels` it gets.
 */
export interface AlertInput extends RulesInput, TriageInput {
  /** Left out: the name's (domain/alert-key.ts) for a new alert, the alert's own for an edit. */
  key?: unknown;
  name?: unknown;
  description?: unknown;
  owners?: unknown;
  type?: unknown;
  dataSource?: unknown;
  sql?: unknown;
  schedule?: { cron?: unknown; timezone?: unknown };
  gracePeriodS?: unknown;
  workingTimeoutS?: unknown;
  logRetentionDays?: unknown;
  content?: Record<string, unknown> | null;
  messageTemplate?: unknown;
  recipients?: unknown;
  emailFallback?: unknown;
  notifyOnRecovery?: unknown;
}

export interface InputContext {
  /** Data sources this person may use. */
  dataSources: string[];
  /** Hosts screenshots may be taken of. */
  allowedHosts: string[];
  /** Owner when none is given. */
  actor: string;
}

/** A valid alert: its spec, with the key it was given, or null to derive one from the name. */
export type ValidAlert = { ok: true; spec: Omit<AlertSpec, 'key'> & { key: string | null } };

/** Returns the spec, or field errors keyed by field path (e.g. `schedule.cron`). */
export function validateAlertInput(input: AlertInput, context: InputContext): ValidAlert | { ok: false; errors: Record<string, string> } {
  const parsed = alertSchema.safeParse(input);
  const errors = parsed.success ? {} : issuesToFieldErrors(parsed.error.issues);
  Object.assign(errors, contextErrors(input, context, errors));
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const draft: AlertDraft = parsed.data;
  return { ok: true, spec: { ...draft, owners: draft.owners.length > 0 ? draft.owners : [context.actor] } };
}

/** What depends on the person: a source they may use, a screenshot host that is allowed. */
function contextErrors(input: AlertInput, context: InputContext, found: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (found.dataSource === undefined && typeof input.dataSource === 'string' && !context.dataSources.includes(input.dataSource)) {
    errors.dataSource = 'is not a data source you may use; choose one from the list';
  }
  const content = input.content;
  if (found['content.url'] === undefined && content?.kind === 'screenshot' && typeof content.url === 'string') {
    let host: string | null = null;
    try {
      host = new URL(content.url.trim()).hostname;
    } catch {
      host = null; // the schema reported it
    }
    if (host !== null && !hostAllowed(host, context.allowedHosts)) {
      errors['content.url'] =
        context.allowedHosts.length === 0
          ? 'screenshots are off: an admin must list allowed hosts in lookout.config.yml (screenshots.allowedHosts)'
          : `${host} is not an allowed screenshot host (allowed: ${context.allowedHosts.join(', ')})`;
    }
  }
  return errors;
}
