import { describe, expect, it } from '@jest/globals';
import { formatProblem, MAX_FILE_BYTES, readAlertFile } from '../../../src/services/alert-files.js';

const FILE = `alerts:
  - key: a
    name: First
    schedule:
      cron: "0 9 * *"
  - key: b
    name: Second
`;

describe('readAlertFile', () => {
  it('reads each alert with where it starts, and places a field at its value or, missing, at its nearest parent', () => {
    const file = readAlertFile('team/x.yml', FILE);
    expect(file.problems).toEqual([]);
    expect(file.alerts.map((a) => [a.index, a.place.line, a.raw])).toEqual([
      [0, 2, { key: 'a', name: 'First', schedule: { cron: '0 9 * *' } }],
      [1, 6, { key: 'b', name: 'Second' }],
    ]);
    expect(file.placeOf(0, 'schedule.cron')).toEqual({ line: 5, column: 13 });
    expect(file.placeOf(0, 'schedule.timezone')).toEqual({ line: 5, column: 7 });
    expect(file.placeOf(1, 'recipients.0.id')).toEqual({ line: 6, column: 5 });
    expect(file.placeOf(1, null)).toEqual({ line: 6, column: 5 });
  });

  it('reads JSON with its lines too', () => {
    const file = readAlertFile('x.json', '{\n  "alerts": [\n    { "key": "a",\n      "sql": 5 }\n  ]\n}\n');
    expect(file.alerts).toHaveLength(1);
    expect(file.placeOf(0, 'sql')).toEqual({ line: 4, column: 14 });
  });

  it.each([
    ['a syntax error, where the parser stopped', 'alerts:\n  - name: [x\n', 3, /Flow sequence/],
    ['a key twice', 'alerts: []\nalerts: []\n', 2, /Map keys must be unique/],
    ['a file that is a list', '- a\n- b\n', 1, /a mapping with an "alerts:" list/],
    ['no alerts list', 'alert:\n  - a\n', 1, /"alert" is not part of an alert file/],
    ['alerts that are not a list', 'alerts: {}\n', 1, /list the alerts under "alerts:"/],
  ])('refuses %s, with its line', (_, text, line, message) => {
    const file = readAlertFile('x.yml', text);
    expect(file.alerts).toEqual([]);
    expect(file.problems[0]).toMatchObject({ file: 'x.yml', line, alert: null, message: expect.stringMatching(message) });
  });

  it(`refuses a file over ${MAX_FILE_BYTES} bytes without parsing it`, () => {
    const file = readAlertFile('big.yml', `alerts: []\n#${'x'.repeat(MAX_FILE_BYTES)}\n`);
    expect(file.problems).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/larger than 1024 KiB/) })]);
  });

  it('says a problem as file:line:column, with the alert, its key and the field', () => {
    expect(formatProblem({ file: 'a.yml', line: 3, column: 7, alert: 1, field: 'schedule.cron', message: 'bad' }, 'sales')).toBe('a.yml:3:7: alerts[1] (sales) schedule.cron: bad');
    expect(formatProblem({ file: 'a.yml', line: 1, column: 1, alert: null, field: null, message: 'bad' })).toBe('a.yml:1:1: bad');
  });
});
