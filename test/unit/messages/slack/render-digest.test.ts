// The storm digest drawn for Slack: as many alerts as one message holds within Slack's limits
// (50 blocks, ~13k characters of blocks, 3000 per text, 150 per header), each alert once with its
// own buttons under the existing action ids; what does not fit is left for the next digest.
import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button, HeaderBlock, SectionBlock } from '@slack/types';
import { digestEntry, DIGEST_NAME_CHARS, type DigestEntry } from '../../../../src/messages/digest.js';
import { ACTION, alertIdFromBlockId } from '../../../../src/messages/slack/ids.js';
import { blocksSize, SLACK_LIMITS } from '../../../../src/messages/slack/limits.js';
import { DIGEST_MAX_ENTRIES, renderDigest, type RenderedDigest } from '../../../../src/messages/slack/render-digest.js';
import { makeAlert, makeMessage, makeSeriesReport } from '../../../support/fixtures.js';

const entry = (i: number, name = `Alert ${i}`, value: string | null = String(i)): DigestEntry => ({
  alert: { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name, active: i % 7 !== 0 },
  level: i % 3 === 0 ? 'warning' : 'critical',
  value,
});

/** Every digest it takes to list `entries`, in order. */
function digestsOf(entries: DigestEntry[]): RenderedDigest[] {
  const out: RenderedDigest[] = [];
  let rest = entries;
  while (rest.length > 0) {
    const digest = renderDigest(rest);
    expect(digest.count).toBeGreaterThan(0);
    out.push(digest);
    rest = rest.slice(digest.count);
  }
  return out;
}

const actionsOf = (d: RenderedDigest) => d.message.blocks.filter((b): b is ActionsBlock => b.type === 'actions');
const sectionsOf = (d: RenderedDigest) => d.message.blocks.filter((b): b is SectionBlock => b.type === 'section');

function expectWithinLimits(d: RenderedDigest): void {
  const { blocks, text } = d.message;
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
  expect(blocksSize(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  for (const s of sectionsOf(d)) expect(s.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  for (const h of blocks.filter((b): b is HeaderBlock => b.type === 'header')) expect(h.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
  for (const a of actionsOf(d)) expect(a.block_id?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.blockId);
}

describe('renderDigest', () => {
  it('lists 500 alerts with long, hostile names over several digests: each within limits, each alert exactly once, in order', () => {
    const long = (i: number) => `${'🔥'.repeat(20)} <!channel> & *bold* ${i} ${'x'.repeat(400)}`;
    const entries = Array.from({ length: 500 }, (_, i) => entry(i, long(i), `${'9'.repeat(300)}`));
    const digests = digestsOf(entries);
    digests.forEach(expectWithinLimits);
    const listed = digests.flatMap((d) => actionsOf(d).map((a) => alertIdFromBlockId(a.block_id ?? '')));
    expect(listed).toEqual(entries.map((e) => e.alert.id));
    // Names are cut and escaped: no mention reaches Slack, and no name runs past its share.
    const text = JSON.stringify(digests.map((d) => d.message));
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    for (const d of digests) for (const s of sectionsOf(d)) expect(s.text?.text.length ?? 0).toBeLessThan(DIGEST_NAME_CHARS + 250);
    expect(digests.length).toBeLessThan(500 / 5);
  });

  it('puts up to DIGEST_MAX_ENTRIES short alerts in one message', () => {
    const digests = digestsOf(Array.from({ length: 45 }, (_, i) => entry(i)));
    digests.forEach(expectWithinLimits);
    expect(digests.map((d) => d.count).reduce((a, b) => a + b)).toBe(45);
    expect(Math.max(...digests.map((d) => d.count))).toBeLessThanOrEqual(DIGEST_MAX_ENTRIES);
    expect(digests[0]!.count).toBeGreaterThanOrEqual(10);
  });

  it("gives each alert its own buttons with the existing action ids, valued with the alert's id", () => {
    const [digest] = digestsOf([entry(1), entry(7)]);
    const [first, second] = actionsOf(digest!);
    const ids = (a: ActionsBlock | undefined) => (a?.elements ?? []).map((e) => [(e as Button).action_id, (e as Button).value]);
    const id1 = entry(1).alert.id;
    expect(ids(first)).toEqual([
      [ACTION.runNow, id1],
      [ACTION.snooze1h, id1],
      [ACTION.pause, id1],
      [ACTION.history, id1],
    ]);
    // Alert 7 is paused: Resume instead of Pause.
    expect(ids(second).map(([action]) => action)).toContain(ACTION.resume);
  });

  it('says how many fire in the header and names the first ones in the notification text', () => {
    const digest = renderDigest(Array.from({ length: 12 }, (_, i) => entry(i, `Queue ${i}`)));
    expect(digest.count).toBe(12);
    expect((digest.message.blocks[0] as HeaderBlock).text.text).toBe('🚨 12 alerts firing');
    expect(digest.message.text).toBe('🚨 12 alerts firing: Queue 0, Queue 1, Queue 2 and 9 more');
  });

  it('shows each alert’s level and value on its line', () => {
    const digest = renderDigest([entry(3, 'Disk full', '97%'), entry(4, 'No value', null)]);
    const [disk, none] = sectionsOf(digest).map((s) => s.text?.text);
    expect(disk).toBe('🟠 *Disk full* — warning — value *97%*');
    expect(none).toBe('🔴 *No value* — critical');
  });
});

describe('digestEntry', () => {
  it('takes a one-value alert’s value at critical', () => {
    const message = makeMessage('firing', { alert: makeAlert({ name: 'Stuck' }), value: '42', series: null });
    expect(digestEntry(message)).toMatchObject({ level: 'critical', value: '42', alert: { name: 'Stuck' } });
  });

  it('names the firing series of a labelled alert, with its worst level', () => {
    const report = makeSeriesReport();
    const message = makeMessage('firing', { alert: makeAlert({ labels: ['region'] }), value: '1 of 3 series firing', series: report });
    expect(digestEntry(message)).toMatchObject({ level: 'critical', value: '1 of 3 series: region=eu 7.2' });
  });

  it('takes an unlabelled alert’s level from its series (warning)', () => {
    const warning = { ...makeSeriesReport().firing[0]!, level: 'warning' as const, labels: {}, value: '85' };
    const message = makeMessage('firing', { alert: makeAlert(), value: '85', series: makeSeriesReport({ firing: [warning], changes: [warning] }) });
    expect(digestEntry(message)).toMatchObject({ level: 'warning', value: '85' });
  });
});
