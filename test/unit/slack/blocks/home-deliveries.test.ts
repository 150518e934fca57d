// Home's "Recipients failing now": a few lines of the person's failing recipients, the rest
// counted with where to see them, nothing at all when none fails, and Home still within 100 blocks.
import { describe, expect, it } from '@jest/globals';
import type { DeliveryRecord } from '../../../../src/domain/types.js';
import { buildHome } from '../../../../src/slack/blocks/home.js';
import { SLACK_LIMITS } from '../../../../src/messages/slack/limits.js';
import { makeAlert, NOW } from '../../../support/fixtures.js';
import { walk } from '../../../support/slack-blocks.js';

const failed = (recipient: string): DeliveryRecord => ({ recipient, ok: false, unknown: false, error: 'the sky fell', ref: null, note: null });
const failing = (n: number) => ({
  items: Array.from({ length: n }, (_, i) => ({ alert: makeAlert(), latest: failed(`channel:C0CH${i}`), since: NOW, runs: 2, orEarlier: false })),
  windowHours: 24,
  partial: false,
});
const alerts = (n: number) => Array.from({ length: n }, (_, i) => makeAlert({ id: `id-${i}`, name: `Alert ${i}` }));

describe('Home: recipients failing now', () => {
  it('lists the first five with what to do, and points to /alert doctor for the rest', () => {
    const json = walk(buildHome({ alerts: alerts(1), userId: 'U1', now: NOW, isAdmin: false, failing: failing(7) }).blocks).json;
    expect(json).toContain('*Recipients failing now* (their latest delivery in the last 24 hours): 7');
    expect(json).toContain('*Orders stalled* → <#C0CH0> failed: the sky fell since `2026-11-25 09:00 (Asia/Seoul)` (2 runs) — what to do: Lookout has no advice');
    expect(json).toContain('<#C0CH4>');
    expect(json).not.toContain('<#C0CH5>');
    expect(json).toContain('+2 more: `/alert doctor`.');
  });

  it('is not there when nothing fails or it could not be read', () => {
    for (const none of [failing(0), null, undefined]) {
      expect(walk(buildHome({ alerts: alerts(1), userId: 'U1', now: NOW, isAdmin: false, failing: none }).blocks).json).not.toContain('Recipients failing now');
    }
  });

  it('keeps Home within 100 blocks with many alerts and many failures', () => {
    for (const n of [1, 31, 33, 200]) {
      const view = buildHome({ alerts: alerts(n), userId: 'U1', now: NOW, isAdmin: true, failing: failing(50) });
      expect(view.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.viewBlocks);
      expect(walk(view.blocks).json).toContain('Recipients failing now');
    }
  });
});
