import { describe, expect, it } from '@jest/globals';
import { buildHome, HOME_ALERTS_MAX } from '../../../../src/slack/blocks/home.js';
import { SLACK_LIMITS } from '../../../../src/messages/slack/limits.js';
import { ACTION, alertIdFromBlockId, BLOCK } from '../../../../src/messages/slack/ids.js';
import { makeAlert, NOW } from '../../../support/fixtures.js';
import { texts, walk } from '../../../support/slack-blocks.js';

const manyAlerts = (n: number) => Array.from({ length: n }, (_, i) => makeAlert({ id: `id-${i}`, name: `Alert ${i}` }));

describe('buildHome', () => {
  it('says how to create an alert when there are none', () => {
    const view = buildHome({ alerts: [], userId: 'U1', now: NOW, isAdmin: false });
    expect(view.type).toBe('home');
    const json = walk(view.blocks).json;
    expect(json).toContain('`/alert create`');
    expect(json).toContain('You have no alerts or reports yet.');
    expect(walk(view.blocks).actionIds).toEqual([ACTION.create]);
    expect(json).not.toContain('/alert list all');
  });

  it('shows each alert: name, type, state, schedule in words, last and next run, all in the schedule\'s zone, buttons', () => {
    const alert = makeAlert({ firingSince: new Date('2026-11-24T12:00:00Z') });
    const view = buildHome({ alerts: [alert], userId: 'U1', now: NOW, isAdmin: true });
    const json = walk(view.blocks).json;
    expect(json).toContain('*Orders stalled* · alert · 🔴 firing since 2026-11-24 21:00 (Asia/Seoul)');
    expect(json).toContain('every day at 09:00 (Asia/Seoul)');
    expect(json).toContain('Last run: 2026-11-24 09:00 (Asia/Seoul) · Next run: 2026-11-25 09:00 (Asia/Seoul)');
    expect(json).toContain("Each alert's times are in its own schedule timezone.");
    const newYork = makeAlert({ schedule: { cron: '0 9 * * *', timezone: 'America/New_York' } });
    expect(walk(buildHome({ alerts: [newYork], userId: 'U1', now: NOW, isAdmin: false }).blocks).json).toContain('Next run: 2026-11-24 19:00 EST');
    expect(json).toContain('/alert list all');
    expect(json).toContain('`/alert mute all 2h` holds everything Lookout would send');
    expect(walk(view.blocks).actionIds).toEqual([ACTION.create, ACTION.runNow, ACTION.snooze1h, ACTION.pause, ACTION.history, ACTION.edit]);
  });

  it("shows the admins' mute on top while it lasts: until when (each reader's zone) and by whom", () => {
    const mute = { until: new Date('2026-11-25T02:00:00Z'), by: 'U0ADMIN', at: NOW };
    const json = walk(buildHome({ alerts: [], userId: 'U1', now: NOW, isAdmin: false, mute }).blocks).json;
    expect(json).toContain(`🔕 *Everything muted* until <!date^${mute.until.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-25 02:00 UTC> by <@U0ADMIN>`);
    expect(walk(buildHome({ alerts: [], userId: 'U1', now: NOW, isAdmin: false, mute: null }).blocks).json).not.toContain('muted');
  });

  it('paused and snoozed alerts say so, and offer Resume', () => {
    const paused = makeAlert({ id: 'p', active: false, nextRunAt: null });
    const snoozed = makeAlert({ id: 's', snoozedUntil: new Date('2026-11-26T00:00:00Z') });
    const view = buildHome({ alerts: [paused, snoozed], userId: 'U1', now: NOW, isAdmin: false });
    const json = walk(view.blocks).json;
    expect(json).toContain('⏸️ paused');
    expect(json).toContain('Next run: paused');
    expect(json).toContain('😴 snoozed until 2026-11-26 09:00 (Asia/Seoul)');
    expect(walk(view.blocks).actionIds).toContain(ACTION.resume);
  });

  it('shows the series that fire and their levels, escaped', () => {
    const firing = (labels: Record<string, string>, level: 'warning' | 'critical') => ({ labels, status: 'firing' as const, level, held: 1, quiet: 0, since: new Date('2026-11-24T00:02:00Z'), lastSentTick: null, value: 1 });
    const alert = makeAlert({
      labels: ['region'],
      warning: { op: '<', threshold: 5 },
      firingSince: new Date('2026-11-24T00:02:00Z'),
      series: { eu: firing({ region: '<eu>' }, 'critical'), us: firing({ region: 'us' }, 'warning'), ap: { ...firing({ region: 'ap' }, 'critical'), status: 'normal', level: null } },
    });
    const json = walk(buildHome({ alerts: [alert], userId: 'U1', now: NOW, isAdmin: false }).blocks).json;
    expect(json).toContain('🔴 firing since 2026-11-24 09:02 (Asia/Seoul) — 2 of 3 series (region=&lt;eu&gt; critical, region=us warning)');
  });

  it('stays within 100 blocks with many alerts, pointing to /alert list', () => {
    for (const n of [1, 31, 32, 33, 200]) {
      const view = buildHome({ alerts: manyAlerts(n), userId: 'U1', now: NOW, isAdmin: true });
      expect(view.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.viewBlocks);
      const json = walk(view.blocks).json;
      const shown = walk(view.blocks).blockIds.filter((id) => alertIdFromBlockId(id) !== null).length;
      if (shown < n) expect(json).toContain(`and ${n - shown} more — \`/alert list\``);
      else expect(json).not.toContain('more —');
    }
  });

  it('needs only the first HOME_ALERTS_MAX alerts read: the same view as from all of them, counting the rest', () => {
    for (const n of [HOME_ALERTS_MAX, HOME_ALERTS_MAX + 1, 10_000]) {
      const all = manyAlerts(n);
      const fromFirst = buildHome({ alerts: all.slice(0, HOME_ALERTS_MAX), total: n, userId: 'U1', now: NOW, isAdmin: true });
      expect(fromFirst).toEqual(buildHome({ alerts: all, userId: 'U1', now: NOW, isAdmin: true }));
    }
    // A count read a moment before an alert was made is never below what was read.
    const json = walk(buildHome({ alerts: manyAlerts(40), total: 39, userId: 'U1', now: NOW, isAdmin: false }).blocks).json;
    expect(json).toMatch(/and \d+ more/);
    expect(json).not.toContain('and -');
  });

  it('block ids are unique and the constants', () => {
    const { blockIds } = walk(buildHome({ alerts: manyAlerts(10), userId: 'U1', now: NOW, isAdmin: false }).blocks);
    expect(new Set(blockIds).size).toBe(blockIds.length);
    for (const id of blockIds) expect(id === BLOCK.homeCreate || alertIdFromBlockId(id) !== null).toBe(true);
  });

  it('escapes alert names and keeps texts within limits', () => {
    const view = buildHome({ alerts: [makeAlert({ name: `<!channel> ${'x'.repeat(5000)}` })], userId: 'U1', now: NOW, isAdmin: false });
    const mrkdwn = texts(view.blocks).filter((t) => t.type === 'mrkdwn');
    expect(mrkdwn.map((t) => t.text).join('')).not.toContain('<!channel>');
    for (const t of texts(view.blocks)) expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });
});
