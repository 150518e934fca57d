// What every Slack listener gets: the services, the clock, a logger, the doctor's checks, the
// person's timezone and a way to refresh Home tabs. Its own file, so listeners depend on this
// and not on the app that registers them.
import type { AlertService } from '../services/alert-service.js';
import type { AlertsAsCode } from '../services/alerts-as-code.js';
import type { TriageService } from '../services/triage-service.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { DoctorChecks } from './diagnose.js';

export interface HandlerDeps {
  service: AlertService;
  /** Acknowledgements and the admins' mute (issue 4/6). */
  triage: TriageService;
  /** Alert files: `/alert import` applies pasted YAML through it (issue 5/6). */
  code: AlertsAsCode;
  clock: Clock;
  logger: Logger;
  doctor: DoctorChecks;
  /** The person's IANA zone (users.info, cached); UTC when Slack does not answer within `timeoutMs`. */
  timezoneOf(userId: string, timeoutMs?: number): Promise<string>;
  /** Re-publishes these people's Home tabs soon, at most once per person per few seconds. */
  refreshHomes(userIds: readonly string[]): void;
}
