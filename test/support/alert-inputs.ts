// What a person would type for the alerts the scheduler and fault tests run: every minute, on
// the `sample` data source, firing on a constant result, to one channel.
import type { AlertInput } from '../../src/services/alert-input.js';

export function everyMinuteAlert(name: string, overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    name,
    type: 'alert',
    dataSource: 'sample',
    sql: 'SELECT 1',
    condition: { op: '>', threshold: 0 },
    schedule: { cron: '* * * * *', timezone: 'UTC' },
    // Sends every minute: a repeat is never held back.
    gracePeriodS: 1,
    recipients: [{ kind: 'slack_channel', id: 'C0EVERY1' }],
    ...overrides,
  };
}
