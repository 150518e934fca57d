// Failure as data (after bolt-js's errors.ts): a stable code, a sentence a person can act on,
// and the original kept as `cause` for the logs. Stacks never reach Slack.

export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'config'
  | 'datasource'
  | 'store'
  | 'delivery'
  | 'capture'
  | 'timeout'
  | 'internal';

export class LookoutError extends Error {
  readonly code: ErrorCode;
  /** What the user is shown: says what happened and what to do. */
  readonly userMessage: string;

  constructor(code: ErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.name = new.target.name;
    this.code = code;
    this.userMessage = userMessage;
  }
}

/** One message per field, keyed by field path (e.g. `schedule.cron`). Nothing was saved. */
export class ValidationError extends LookoutError {
  readonly fieldErrors: Record<string, string>;
  constructor(fieldErrors: Record<string, string>) {
    const summary = Object.entries(fieldErrors)
      .map(([field, message]) => `${field}: ${message}`)
      .join('; ');
    super('validation', summary);
    this.fieldErrors = fieldErrors;
  }
}

export class NotFoundError extends LookoutError {
  constructor(what: string) {
    super('not_found', `No alert or report matches "${what}". Try \`/alert list\`.`);
  }
}

export class ForbiddenError extends LookoutError {
  constructor(action: string) {
    super('forbidden', `Only the owners of this alert and Lookout admins can ${action} it.`);
  }
}

/** A change Slack may not make: the alert is defined in an alert file (issue 5/6). */
export class ManagedInCodeError extends LookoutError {
  readonly managedBy: string;
  constructor(name: string, managedBy: string, action: string) {
    super(
      'forbidden',
      `“${name}” is managed in code: ${managedBy}. To ${action} it, change that file; in Slack you can still pause, snooze, acknowledge and run it.`,
    );
    this.managedBy = managedBy;
  }
}

/** The person acting or an owner is outside the data source's allowedUsers. */
export class SourceBarredError extends LookoutError {
  constructor(source: string, people: readonly string[]) {
    super(
      'forbidden',
      `${people.join(', ')} may not use the data source "${source}" (it is limited to its allowedUsers), so this alert cannot run for them. An admin can change the source's allowedUsers, or the alert's owners can be changed.`,
    );
  }
}

export class ConfigError extends LookoutError {
  /** The setting at fault, e.g. `DATABASE_URL` or `dataSources[1].url`. */
  readonly setting: string;
  constructor(setting: string, problem: string, options?: { cause?: unknown }) {
    super('config', `${setting}: ${problem}`, options);
    this.setting = setting;
  }
}

export class StoreError extends LookoutError {
  /**
   * The database could not be reached or the connection broke (a restart, a failover): the
   * same call may work a little later. False for everything else (a bad statement, a closed store).
   */
  readonly unreachable: boolean;
  constructor(message: string, options?: { cause?: unknown; unreachable?: boolean }) {
    super('store', message, options);
    this.unreachable = options?.unreachable ?? false;
  }
}

export class TimeoutError extends LookoutError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('timeout', message, options);
  }
}

/** Wraps anything thrown into a LookoutError without losing it. */
export function asLookoutError(err: unknown): LookoutError {
  if (err instanceof LookoutError) return err;
  return new LookoutError('internal', 'Something went wrong inside Lookout; the details are in its log.', {
    cause: err,
  });
}

export class ConflictError extends LookoutError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('conflict', message);
    this.field = field;
  }
}
