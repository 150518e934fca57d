import { describe, expect, it } from '@jest/globals';
import type { AlertVersion } from '../../../../src/domain/versions.js';
import { specOf } from '../../../../src/domain/versions.js';
import { ACTION, BLOCK, CALLBACK, parseVersionButtonValue, versionButtonValue } from '../../../../src/messages/slack/ids.js';
import { SLACK_LIMITS } from '../../../../src/messages/slack/limits.js';
import { buildExport, buildImportModal, buildManagedView, buildVersionList, importErrorText } from '../../../../src/slack/blocks/alerts-as-code.js';
import { makeAlert, NOW } from '../../../support/fixtures.js';
import { texts as textObjects } from '../../../support/slack-blocks.js';

const texts = (blocks: readonly unknown[]): string[] => textObjects(blocks as never).map((t) => t.text);

/** Every element object in blocks (accessories, inputs, buttons). */
function elements(blocks: readonly unknown[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.action_id === 'string') out.push(record);
    Object.values(record).forEach(visit);
  };
  visit(blocks);
  return out;
}

const alert = makeAlert();

function version(n: number, overrides: Partial<AlertVersion> = {}): AlertVersion {
  return { alertId: alert.id, version: n, spec: specOf(alert), managedBy: null, changed: n === 1 ? [] : ['sql'], by: 'U0ALICE01', at: NOW, via: 'slack', restoredFrom: null, ...overrides };
}

const restoreButtons = (blocks: readonly unknown[]) => elements(blocks).filter((e) => e.action_id === ACTION.restoreVersion) as { value: string }[];

describe('buildVersionList', () => {
  const versions = [version(3, { restoredFrom: 1, changed: ['sql'], via: 'slack' }), version(2, { via: 'cli', by: 'U0ADMIN01', changed: ['sql', 'schedule'], managedBy: 'ops.yml' }), version(1)];

  it('says who, when, through what and what changed, newest first, with Restore on the earlier ones', () => {
    const message = buildVersionList(alert, versions, { canRestore: true, zone: 'UTC' });
    const shown = texts(message.blocks).join('\n');
    expect(shown).toContain('*v3* (current) · ');
    expect(shown).toContain('<@U0ALICE01> in Slack\nrestored version 1 (sql)');
    expect(shown).toContain('<@U0ADMIN01> with the CLI (`ops.yml`)\nchanged sql, schedule');
    expect(shown).toContain('\ncreated');
    expect(restoreButtons(message.blocks).map((b) => parseVersionButtonValue(b.value))).toEqual([
      { alertId: alert.id, version: 2 },
      { alertId: alert.id, version: 1 },
    ]);
  });

  it('has no Restore for a reader who may not change it, nor for an alert managed in a file (which it names)', () => {
    expect(restoreButtons(buildVersionList(alert, versions, { canRestore: false, zone: 'UTC' }).blocks)).toEqual([]);
    const managed = buildVersionList({ ...alert, managedBy: 'team/ops.yml' }, versions, { canRestore: true, zone: 'UTC' });
    expect(restoreButtons(managed.blocks)).toEqual([]);
    expect(texts(managed.blocks).join('\n')).toContain('managed in code: `team/ops.yml`');
  });

  it(`stays within a message's ${SLACK_LIMITS.messageBlocks} blocks with 200 versions`, () => {
    const many = Array.from({ length: 200 }, (_, i) => version(200 - i));
    expect(buildVersionList(alert, many, { canRestore: true, zone: 'UTC' }).blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
  });

  it('version button values survive the round trip, ids with colons included', () => {
    expect(parseVersionButtonValue(versionButtonValue('a:b', 12))).toEqual({ alertId: 'a:b', version: 12 });
    expect(parseVersionButtonValue('nope')).toBeNull();
  });
});

describe('buildExport', () => {
  it('shows the YAML escaped in code blocks, split between lines, each within a section', () => {
    const yaml = `alerts:\n  - key: x\n    sql: SELECT a < b & c FROM t\n${'    # line\n'.repeat(500)}`;
    const message = buildExport(alert, yaml);
    const sections = texts(message.blocks).filter((t) => t.startsWith('```'));
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(sections[0]).toContain('SELECT a &lt; b &amp; c FROM t');
  });

  it('points to the CLI when the YAML does not fit one message', () => {
    const message = buildExport(alert, `alerts:\n${'  # a long comment line that takes room\n'.repeat(2000)}`);
    expect(texts(message.blocks).join('\n')).toContain('too long to show in Slack. Export it with `npx lookout alerts export --key orders-stalled`');
  });
});

describe('the import form and the read-only view', () => {
  it('import: one multiline input within Slack\'s text limit', () => {
    const view = buildImportModal();
    expect(view.callback_id).toBe(CALLBACK.importModal);
    const input = elements(view.blocks).find((e) => e.type === 'plain_text_input');
    expect(input).toMatchObject({ max_length: SLACK_LIMITS.plainTextInput, multiline: true });
    expect(JSON.stringify(view.blocks)).toContain(BLOCK.importText);
  });

  it('a managed alert\'s view has no submit button and names its file', () => {
    const view = buildManagedView({ ...alert, managedBy: 'team/ops.yml' }, 'alerts:\n  - key: orders-stalled\n');
    expect(view.submit).toBeUndefined();
    expect(texts(view.blocks).join('\n')).toContain('managed in code: `team/ops.yml`');
  });

  it('import errors: one line each, cut with how many more', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}: alert 1 sql: SQL is required`);
    const text = importErrorText(lines);
    expect(text.length).toBeLessThan(2000);
    expect(text).toMatch(/\n…and \d+ more$/);
  });
});
