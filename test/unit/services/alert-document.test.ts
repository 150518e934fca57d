import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { Alert } from '../../../src/domain/types.js';
import { specOf } from '../../../src/domain/versions.js';
import { alertToDocument, alertsFileText } from '../../../src/services/alert-document.js';
import { validateAlertInput, type AlertInput } from '../../../src/services/alert-input.js';
import { makeAlert } from '../../support/fixtures.js';

const CONTEXT = { dataSources: ['sample'], allowedHosts: ['dash.example.com'], actor: 'U0OTHER01' };

const ALERTS: [string, Alert][] = [
  ['a plain alert', makeAlert()],
  ['a report', makeAlert({ type: 'report', condition: null })],
  ['labels, a warning, waiting', makeAlert({ labels: ['region', 'tier'], condition: { op: '>', threshold: 5 }, warning: { op: '>', threshold: 2.5 }, pendingTicks: 3, keepFiringTicks: 2 })],
  ['an age', makeAlert({ measure: { kind: 'freshness', column: 'loaded_at' }, condition: { op: '>', threshold: 7200 } })],
  ['a change', makeAlert({ measure: { kind: 'change', mode: 'percent', direction: 'down', floor: null }, condition: { op: '>=', threshold: 30 } })],
  ['new rows', makeAlert({ measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: 5, sendFirstRun: true, retentionDays: 7 }, condition: { op: 'rows exist' } })],
  [
    'triage: backoff, quiet hours, mentions per level, recipients per level',
    makeAlert({
      condition: { op: '>', threshold: 10 },
      warning: { op: '>', threshold: 5 },
      reminders: { mode: 'backoff', firstS: 1800, factor: 1.5, capS: 21_600 },
      quietHours: { timezone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], from: '20:00', to: '08:00' }, { days: [0, 6], from: '00:00', to: '24:00' }] },
      mentionColumn: 'owner_email',
      mentions: { warning: ['W0BO'], critical: ['U0ANA', 'S0ONCALL'] },
      recipients: [{ kind: 'slack_channel', id: 'C0OPS' }, { kind: 'slack_channel', id: 'C0TEAM', levels: ['warning'] }, { kind: 'email', address: 'pager@example.com', levels: ['critical'] }],
    }),
  ],
  [
    'a screenshot, a template, every recipient kind',
    makeAlert({
      content: { kind: 'screenshot', url: 'https://dash.example.com/d/1', linkUrl: null, width: 1280, height: 720, scale: 2, selector: '#main', fullPage: false, waitFor: null, waitForGone: '.spinner', csv: true, bom: false, keepFormulas: true },
      messageTemplate: '*{{name}}*: {{value}}',
      recipients: [{ kind: 'slack_channel', id: 'C0OPS' }, { kind: 'slack_user', id: 'U0BOB' }, { kind: 'email', address: 'ops@example.com' }],
      emailFallback: true,
      notifyOnRecovery: false,
      gracePeriodS: 0,
      description: 'multi\nline: "quoted"',
      sql: 'SELECT 1\n-- a comment: with colons\nFROM t',
    }),
  ],
];

describe('alertToDocument', () => {
  it.each(ALERTS)('%s: written as YAML, read back as the same spec', (_, alert) => {
    const text = alertsFileText([alertToDocument(specOf(alert))]);
    const [doc] = (parse(text) as { alerts: AlertInput[] }).alerts;
    const result = validateAlertInput(doc!, CONTEXT);
    expect(result).toEqual({ ok: true, spec: { ...specOf(alert), key: alert.key } });
  });

  it('leaves out what a field left out means, and always says which alert and what it runs', () => {
    const doc = alertToDocument(specOf(makeAlert({ type: 'report', condition: null, description: '' })));
    expect(Object.keys(doc)).toEqual(['key', 'name', 'owners', 'type', 'dataSource', 'sql', 'schedule', 'recipients']);
    const alert = alertToDocument(specOf(makeAlert({ pendingTicks: 2 })));
    expect(Object.keys(alert)).toEqual(['key', 'name', 'description', 'owners', 'type', 'dataSource', 'sql', 'condition', 'pendingTicks', 'schedule', 'recipients']);
  });

  it('writes one alert the same way whatever order its stored objects have', () => {
    const stored = makeAlert({ recipients: [{ id: 'C0OPS', kind: 'slack_channel' } as never], condition: { threshold: 1, op: '<' } as never });
    expect(alertsFileText([alertToDocument(specOf(stored))])).toBe(alertsFileText([alertToDocument(specOf(makeAlert()))]));
    expect(alertsFileText([alertToDocument(specOf(makeAlert()))])).toContain('- kind: slack_channel\n        id: C0OPS');
  });
});
