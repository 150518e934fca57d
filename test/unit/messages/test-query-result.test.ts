// What Test query says in the modal about each series, one case per event, and the caps.
import { describe, expect, it } from '@jest/globals';
import type { KnownBlock } from '@slack/types';
import { renderSection } from '../../../src/messages/slack/render-slack.js';
import { SLACK_LIMITS } from '../../../src/messages/slack/limits.js';
import { SERIES_SHOWN, testQueryDoc, type SeriesVerdict, type TestVerdict } from '../../../src/messages/test-query-result.js';

const rows = { ok: true as const, columns: ['region', 'rate'], rows: [['eu', 7.2]], rowCount: 1, truncated: false };

function shown(verdict: TestVerdict | null): string {
  const block = renderSection(testQueryDoc({ ...rows, verdict }), 'r') as KnownBlock;
  return block.type === 'section' ? (block.text?.text ?? '') : '';
}

const series = (patch: Partial<SeriesVerdict>): SeriesVerdict => ({ labels: { region: 'eu' }, event: 'normal', level: null, value: '7.2', reason: '7.2 > 5', held: 1, quiet: 0, ...patch });
const labelled = (list: SeriesVerdict[], patch: Partial<Extract<TestVerdict, { kind: 'series' }>> = {}): TestVerdict => ({
  kind: 'series',
  outcome: 'send',
  labelled: true,
  levelled: true,
  pendingTicks: 3,
  keepFiringTicks: 2,
  series: list,
  ...patch,
});

describe('testQueryDoc for series', () => {
  it.each<[string, SeriesVerdict, string]>([
    ['fires at a level', series({ event: 'fired', level: 'critical' }), '• *region=eu*: 7.2 &gt; 5 — would fire (critical)'],
    ['normal', series({ event: 'normal', reason: '3.1 is not > 5', value: '3.1' }), '• *region=eu*: 3.1 is not &gt; 5 — normal'],
    ['pending, against the checks it needs', series({ event: 'pending', level: 'critical', held: 2, reason: '7.2 > 5; held 2 checks' }), '• *region=eu*: 7.2 &gt; 5; held 2 of 3 checks — pending'],
    ['a change\'s first value', series({ event: 'recorded', value: '200', reason: 'first value 200 recorded; change is measured from the next check' }), '• *region=eu*: first value 200 recorded'],
    ['escalates', series({ event: 'escalated', level: 'critical' }), '— would go up to critical'],
    ['comes down', series({ event: 'deescalated', level: 'warning', reason: '4 > 3' }), '• *region=eu*: 4 &gt; 3 — would come down to warning'],
    ['keeps firing', series({ event: 'keeping', level: 'critical', quiet: 1, reason: '3 is not > 5' }), '— keeps firing (quiet 1 of 2 checks)'],
    ['in grace', series({ event: 'grace', level: 'warning' }), '— still firing (warning), within its grace period'],
    ['resolves', series({ event: 'resolved', reason: '1 is not > 5' }), '• *region=eu*: 1 is not &gt; 5 — would resolve'],
    ['no data', series({ event: 'no_data', value: null, reason: 'NULL value' }), '• *region=eu*: NULL value — no data, its state stays'],
  ])('%s', (_, s, line) => {
    expect(shown(labelled([s]))).toContain(line);
  });

  it('leads with what the check would do, and counts', () => {
    const text = shown(labelled([series({ event: 'fired', level: 'critical' }), series({ labels: { region: 'us' }, event: 'pending', level: 'warning' }), series({ labels: { region: 'ap' } })]));
    expect(text).toContain('🔴 At the next check this would send (3 series, 1 firing, 1 pending).');
    expect(shown(labelled([series({})], { outcome: 'nothing' }))).toContain('🟢 Nothing would be sent at the next check (1 series).');
  });

  it('lists the first 10 and says how many more', () => {
    const many = Array.from({ length: 25 }, (_, i) => series({ labels: { region: `r${i}` } }));
    const text = shown(labelled(many));
    expect(text).toContain('*region=r9*');
    expect(text).not.toContain('*region=r10*');
    expect(text).toContain(`…and ${25 - SERIES_SHOWN} more series.`);
  });

  it('names levels only when the alert has a warning level', () => {
    expect(shown(labelled([series({ event: 'fired', level: 'critical' })], { levelled: false }))).toContain('— would fire\n');
  });

  it('an alert without labels reads as one sentence, as before series', () => {
    const single = (s: Partial<SeriesVerdict>, patch: Partial<Extract<TestVerdict, { kind: 'series' }>> = {}) => shown(labelled([series({ labels: {}, ...s })], { labelled: false, levelled: false, ...patch }));
    expect(single({ event: 'fired', level: 'critical', value: '42' })).toContain('🔴 The condition holds (value *42*): this would send.');
    expect(single({ event: 'normal', reason: '3 is not > 5' })).toContain('🟢 The condition does not hold: 3 is not &gt; 5.');
    expect(single({ event: 'no_data', reason: 'no rows' })).toContain('⚪ Nothing to compare: no rows.');
    expect(single({ event: 'grace', level: 'critical', value: '8' })).toContain('🔕 The condition holds (value *8*), but a message went out within the grace period');
    expect(single({ event: 'fired', level: 'warning', value: '85' }, { levelled: true })).toContain('🟠 The condition holds at warning (value *85*): this would send.');
    expect(single({ event: 'pending', level: 'critical', held: 1 })).toContain('held 1 of 3 checks in a row, so nothing is sent yet');
    expect(single({ event: 'recorded', reason: 'first value 200 recorded; change is measured from the next check' })).toContain('⚪ First value 200 recorded; change is measured from the next check.');
    expect(single({ event: 'resolved', reason: '1 is not > 5' })).toContain('This would send "resolved".');
  });
});

describe('testQueryDoc for new rows, errors and drafts', () => {
  const newRows = { kind: 'new_rows' as const, keyColumn: 'id', rows: 12, truncated: false, keys: 12, repeated: 0, nullKeys: 0, seeded: false, sendFirstRun: false, maxPerTick: 20 };

  it('says what the rows and keys are, and what a first run does', () => {
    expect(shown(newRows)).toContain('📬 12 rows, key `id`: 12 distinct keys. Its first run records these keys and sends nothing; after that each row with a new key is sent, at most 20 a check.');
    expect(shown({ ...newRows, sendFirstRun: true, keys: 25, rows: 27, repeated: 1, nullKeys: 1 })).toContain(
      '27 rows, key `id`: 25 distinct keys (1 repeat a key (the first counts); 1 with a NULL id is skipped). Its first run sends them as new rows: 20 would be sent and 5 counted.',
    );
    expect(shown({ ...newRows, seeded: true })).toContain('Keys it has seen before are not sent again');
  });

  it('shows a result that cannot be an alert, and a draft whose rules are not complete', () => {
    expect(shown({ kind: 'error', reason: 'the label column "region" is not in the result (columns: v)' })).toContain('⚠️ As an alert this would fail: the label column "region" is not in the result (columns: v).');
    expect(shown({ kind: 'unchecked', problems: ['condition.threshold: threshold must be a number, e.g. 100 or 0.5'] })).toContain('⚪ Not checked against the condition yet: condition.threshold: threshold must be a number');
    expect(shown(null)).not.toMatch(/condition|series/);
  });

  it('keeps the table whole within one section, beside a long list', () => {
    const many = Array.from({ length: 40 }, (_, i) => series({ labels: { region: `region-${i}-${'x'.repeat(80)}` }, reason: 'r'.repeat(150) }));
    const wide = { ok: true as const, columns: ['a', 'b'], rows: Array.from({ length: 5 }, () => ['y'.repeat(300), 'z'.repeat(300)]), rowCount: 5, truncated: false };
    const block = renderSection(testQueryDoc({ ...wide, verdict: labelled(many) }), 'r') as KnownBlock;
    const text = block.type === 'section' ? (block.text?.text ?? '') : '';
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect((text.match(/```/g) ?? []).length % 2).toBe(0);
  });
});
