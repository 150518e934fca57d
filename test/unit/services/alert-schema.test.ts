import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { SPEC_FIELDS } from '../../../src/domain/versions.js';
import { alertsFileSchema, alertsJsonSchemaText, ALERTS_SCHEMA_PATH } from '../../../src/services/alert-schema.js';
import { issuesToFieldErrors } from '../../../src/services/input-checks.js';

const published = (): string => readFileSync(new URL(`../../../${ALERTS_SCHEMA_PATH}`, import.meta.url), 'utf8');

describe('schema/alerts.schema.json', () => {
  it('is what the alert schema generates (run `npm run schema` after changing a field)', () => {
    expect(published()).toBe(alertsJsonSchemaText());
  });

  it('describes every field of an alert, each with what it is for, and no field Lookout does not read', () => {
    const schema = JSON.parse(published()) as { properties: { alerts: { items: { properties: Record<string, { description?: string }>; required: string[]; additionalProperties: boolean } } } };
    const alert = schema.properties.alerts.items;
    expect(Object.keys(alert.properties).sort()).toEqual([...SPEC_FIELDS].sort());
    for (const [field, property] of Object.entries(alert.properties)) expect([field, typeof property.description]).toEqual([field, 'string']);
    expect(alert.required.sort()).toEqual(['dataSource', 'name', 'recipients', 'schedule', 'sql', 'type']);
    expect(alert.additionalProperties).toBe(false);
  });
});

describe('alertsFileSchema', () => {
  const alert = {
    key: 'daily-sales',
    name: 'Daily sales',
    type: 'report',
    dataSource: 'sample',
    sql: 'SELECT 1',
    schedule: { cron: '0 9 * * *', timezone: 'UTC' },
    recipients: [{ kind: 'slack_channel', id: 'C0OPS' }],
  };

  it('reads each alert with the modal\'s field keys, under its position in the file', () => {
    const parsed = alertsFileSchema.safeParse({
      alerts: [alert, { ...alert, key: 'Bad Key', schedule: { cron: '0 9 * *', timezone: 'Mars/Base' }, shedule: 1 }],
    });
    expect(parsed.success).toBe(false);
    expect(issuesToFieldErrors(parsed.error?.issues ?? [])).toEqual({
      'alerts.1.key': 'use lowercase letters, digits, "-" and "_" (at most 64), starting with a letter or digit',
      'alerts.1.shedule': 'is not a field Lookout knows; check its spelling',
      'alerts.1.schedule.cron': expect.stringMatching(/fields/),
      'alerts.1.schedule.timezone': expect.stringMatching(/not a known IANA timezone/),
    });
  });

  it('takes numbers as a file writes them and as the modal sends them', () => {
    const parsed = alertsFileSchema.parse({ alerts: [{ ...alert, gracePeriodS: 60 }, { ...alert, gracePeriodS: ' 60 ' }, alert] });
    expect(parsed.alerts.map((a) => a.gracePeriodS)).toEqual([60, 60, 3600]);
    expect(parsed.alerts[0]).toMatchObject({ key: 'daily-sales', condition: null, measure: { kind: 'value' }, content: { kind: 'none' } });
  });

  it('refuses what is not an alert file', () => {
    for (const file of [null, [], { alerts: 'x' }, { alert: [] }]) expect(alertsFileSchema.safeParse(file).success).toBe(false);
    expect(alertsFileSchema.safeParse({ alerts: [] }).success).toBe(true);
  });
});
