// Alerts as code through the simulator (issue 5/6): a provisioned alert (alertsDir) is read-only
// in the modal and still pausable, follows its file's changes and leaves with it; an alert made in
// Slack round-trips through export and apply into an empty store; versions are listed with their
// changed fields and restored by the button; YAML pasted into /alert import is refused with line
// numbers, then saved.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';
import type { Alert } from '../../src/domain/types.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/messages/slack/ids.js';
import { createTempDatabase, type TempDatabase } from '../support/postgres.js';
import { ADMIN, ALERTS, ALICE, BOB, BOBS, blocksText, eventually, firingAlert, modalValues, startE2e, type E2e } from './support/e2e.js';

const OPS_FILE = (threshold: number) => `alerts:
  - key: metric-high
    name: Metric high
    owners: [${BOB}]
    type: alert
    dataSource: sample
    sql: SELECT v FROM metric
    condition: { op: ">", threshold: ${threshold} }
    schedule: { cron: "0 9 * * *", timezone: UTC }
    recipients: [{ kind: slack_channel, id: ${ALERTS} }]
`;

let e2e: E2e;
let dir: string;
let alertsDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-code-e2e-'));
  alertsDir = join(dir, 'alerts');
  mkdirSync(join(alertsDir, 'team'), { recursive: true });
  writeFileSync(join(alertsDir, 'team/ops.yml'), OPS_FILE(100));
  e2e = await startE2e({ configure: (config) => ({ ...config, code: { alertsDir, actor: ADMIN } }) });
});

afterAll(async () => {
  await e2e.stop();
  rmSync(dir, { recursive: true, force: true });
});

const byKey = (key: string): Promise<Alert | null> => e2e.lookout.store.findAlertByKey(key);

/** The modal views.open was last asked to open for `user` after `before` calls. */
async function openedView(before: number): Promise<{ callback_id?: string; submit?: unknown; blocks: unknown[]; id: string }> {
  const call = await e2e.sim.waitUntil(() => e2e.sim.calls('views.open')[before]);
  return (call.response as { view: { callback_id?: string; submit?: unknown; blocks: unknown[]; id: string } }).view;
}

/** `/alert <text>` as `user`, and the ephemeral answer with its message_ts (to press its buttons). */
async function ask(user: string, text: string) {
  const before = e2e.sim.ephemerals(user).length;
  await e2e.sim.slashCommand({ user_id: user, text });
  return e2e.sim.waitUntil(() => e2e.sim.ephemerals(user)[before], 15_000);
}

describe('a provisioned alert', () => {
  it('is applied at start, managed by its file, recorded as the admin through the files', async () => {
    const alert = await byKey('metric-high');
    expect(alert).toMatchObject({ name: 'Metric high', managedBy: 'team/ops.yml', owners: [BOB], createdBy: ADMIN, condition: { op: '>', threshold: 100 } });
    const versions = await e2e.lookout.store.versions(alert!.id, 10);
    expect(versions.map((v) => [v.version, v.by, v.via, v.managedBy])).toEqual([[1, ADMIN, 'files', 'team/ops.yml']]);
  });

  it('opens read-only in the modal, with its file, and is still pausable; Slack may not delete it', async () => {
    const opened = e2e.sim.calls('views.open').length;
    await e2e.sim.slashCommand({ user_id: BOB, text: 'edit "Metric high"' });
    const view = await openedView(opened);
    expect(view.callback_id).toBe(CALLBACK.managedView);
    expect(view.submit).toBeUndefined();
    expect(blocksText(view.blocks)).toContain('managed in code: `team/ops.yml`');
    expect(blocksText(view.blocks)).toContain('key: metric-high');
    // The same from the Home tab's Edit button.
    const alert = (await byKey('metric-high'))!;
    const again = e2e.sim.calls('views.open').length;
    await e2e.sim.blockAction({ user: BOB, action_id: ACTION.edit, value: alert.id, channel: ALERTS });
    expect((await openedView(again)).callback_id).toBe(CALLBACK.managedView);

    expect((await e2e.command(BOB, 'pause "Metric high"')).text).toMatch(/^⏸️ Paused “Metric high”/);
    expect((await byKey('metric-high'))?.active).toBe(false);
    expect((await e2e.command(BOB, 'resume "Metric high"')).text).toMatch(/^▶️ Resumed “Metric high”/);
    expect((await e2e.command(BOB, 'delete "Metric high"')).text).toMatch(/is managed in code: team\/ops\.yml\. To delete it, change that file/);
    expect(await byKey('metric-high')).not.toBeNull();
    // Pausing is not a change of its definition: no version.
    expect(await e2e.lookout.store.versions(alert.id, 10)).toHaveLength(1);
  });

  it('says "managed in code" on Home and in /alert list', async () => {
    await e2e.sim.event({ type: 'app_home_opened', user: BOB });
    const home = await e2e.sim.waitUntil(() => { const view = e2e.sim.homeView(BOB); return view && blocksText(view.blocks).includes('Metric high') ? view : undefined; });
    expect(blocksText(home.blocks)).toContain('managed in code: `team/ops.yml`');
    expect(blocksText((await e2e.command(BOB, 'list')).blocks)).toContain('managed in code: `team/ops.yml`');
  });

  it('a file with a problem changes nothing, and the admins are told once', async () => {
    const before = (await byKey('metric-high'))!;
    const dms = e2e.sim.messages(ADMIN).length;
    writeFileSync(join(alertsDir, 'team/ops.yml'), OPS_FILE(300).replace('timezone: UTC', 'timezone: Mars/Olympus'));
    const told = await e2e.sim.waitUntil(() => e2e.sim.messages(ADMIN)[dms], 20_000);
    expect(told.text).toContain(`The alert files in ${alertsDir} were not applied (nothing changed):`);
    expect(told.text).toContain('team/ops.yml:9:46: alerts[0] schedule.timezone: "Mars/Olympus" is not a known IANA timezone');
    // Applied again (the poll, another save): the same problems are not told twice.
    await e2e.lookout.alertsDir?.applyNow();
    expect(e2e.sim.messages(ADMIN)).toHaveLength(dms + 1);
    expect((await byKey('metric-high'))?.condition).toEqual(before.condition);
  });

  it('follows its file: a change is applied and versioned, and removing the file deletes it', async () => {
    writeFileSync(join(alertsDir, 'team/ops.yml'), OPS_FILE(200));
    const changed = await eventually(async () => {
      const alert = await byKey('metric-high');
      return alert?.condition && 'threshold' in alert.condition && alert.condition.threshold === 200 ? alert : null;
    }, 20_000, 'the file change applied');
    // The version is written right after the change it records.
    const [latest] = await eventually(async () => {
      const versions = await e2e.lookout.store.versions(changed.id, 10);
      return versions.length === 2 ? versions : null;
    }, 10_000, 'the change\'s version');
    expect(latest).toMatchObject({ version: 2, changed: ['condition'], by: ADMIN, via: 'files' });

    rmSync(join(alertsDir, 'team/ops.yml'));
    await eventually(async () => (await byKey('metric-high')) === null, 20_000, 'the alert deleted with its file');
  });
});

describe('an alert made in Slack', () => {
  let configFile: string;
  let empty: TempDatabase;

  beforeAll(async () => {
    configFile = join(dir, 'lookout.config.yml');
    const sample = e2e.lookout.config.dataSources[0]!;
    writeFileSync(configFile, `admins: [${ADMIN}]\nalertsActor: ${ADMIN}\ndataSources:\n  - { name: sample, kind: sqlite, path: ${'path' in sample ? sample.path : ''} }\n`);
    empty = await createTempDatabase('lookout_code_empty');
  });

  afterAll(() => empty.drop());

  const cli = (line: string, url: string) =>
    runCli(line.split(' '), { env: { DATABASE_URL: url, LOOKOUT_CONFIG: configFile }, cwd: dir, out: () => undefined, err: () => undefined });

  it('round trips: export, apply to an empty store, export gives the same file', async () => {
    await e2e.createAlert(ALICE, { ...firingAlert('Checkout errors', { sql: 'SELECT v FROM metric', threshold: '40', warning: '20', labels: '' }), owners: [ALICE, BOB] });
    const shown = await ask(ALICE, 'export "Checkout errors"');
    const yaml = blocksText(shown.blocks);
    expect(yaml).toContain('key: checkout-errors');
    expect(yaml).toContain('```');

    expect(await cli('alerts export --key checkout-errors -o first.yml', e2e.db.url)).toBe(0);
    const first = readFileSync(join(dir, 'first.yml'), 'utf8');
    // Slack's code block holds the same document.
    const slackYaml = ((shown.blocks as { text?: { text?: string } }[]).map((b) => b.text?.text ?? '').join('\n').match(/```\n([\s\S]*?)\n```/)?.[1] ?? '').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
    expect(`${first.split('\n').slice(1).join('\n').trimEnd()}`).toBe(slackYaml);

    expect(await cli('alerts apply -f first.yml', empty.url)).toBe(0);
    expect(await cli('alerts export -o second.yml', empty.url)).toBe(0);
    expect(readFileSync(join(dir, 'second.yml'), 'utf8')).toBe(first);
  });

  it('once the CLI manages it, alertsDir does not prune it (its names are relative to another directory)', async () => {
    writeFileSync(join(dir, 'cli.yml'), readFileSync(join(dir, 'first.yml'), 'utf8').replace(/key: checkout-errors/, 'key: cli-managed').replace('name: Checkout errors', 'name: CLI managed'));
    expect(await cli('alerts apply -f cli.yml', e2e.db.url)).toBe(0);
    expect(await byKey('cli-managed')).toMatchObject({ managedBy: 'cli.yml' });
    await e2e.lookout.alertsDir?.applyNow();
    expect(await byKey('cli-managed')).toMatchObject({ managedBy: 'cli.yml' });
    await e2e.lookout.store.deleteAlert((await byKey('cli-managed'))!.id);
  });

  it('lists its versions with the fields each changed, and Restore makes a new version equal to an old one', async () => {
    // Alice changes the SQL and the threshold through the modal.
    const alert = (await e2e.lookout.store.findAlertByName('Checkout errors'))!;
    const opened = e2e.sim.calls('views.open').length;
    await e2e.sim.slashCommand({ user_id: ALICE, text: 'edit "Checkout errors"' });
    const view = await openedView(opened);
    const dms = e2e.sim.messages(ALICE).length;
    const ack = await e2e.sim.viewSubmission({ view: view.id, values: modalValues({ sql: 'SELECT v * 2 FROM metric', threshold: '80' }) });
    expect(ack).toEqual({});
    await e2e.sim.waitUntil(() => e2e.sim.messages(ALICE).length > dms);

    const list = await ask(ALICE, 'versions "Checkout errors"');
    const text = blocksText(list.blocks);
    expect(text).toMatch(/\*v2\* \(current\).*<@U0ALICE01> in Slack\\nchanged sql, condition/);
    expect(text).toMatch(/\*v1\*.*<@U0ALICE01> in Slack\\ncreated/);
    expect(text.match(new RegExp(ACTION.restoreVersion, 'g'))).toHaveLength(1);
    // Bob reads the channel it posts to, so he sees the list, without Restore (he is an owner: he may).
    expect(blocksText((await ask(BOB, 'versions checkout-errors')).blocks)).toContain(ACTION.restoreVersion);

    const before = e2e.sim.ephemerals(ALICE).length;
    await e2e.sim.blockAction({ user: ALICE, action_id: ACTION.restoreVersion, message: { channel: list.channel, ts: list.message_ts } });
    const answer = await e2e.sim.waitUntil(() => e2e.sim.ephemerals(ALICE)[before]);
    expect(answer.text).toMatch(/^↩️ Restored “Checkout errors” to version 1: it is saved as a new version/);
    const restored = (await e2e.lookout.store.getAlert(alert.id))!;
    expect([restored.sql, restored.condition]).toEqual(['SELECT v FROM metric', { op: '>', threshold: 40 }]);
    const [v3] = await e2e.lookout.store.versions(alert.id, 1);
    expect(v3).toMatchObject({ version: 3, restoredFrom: 1, changed: ['sql', 'condition'], by: ALICE, via: 'slack' });
    expect(blocksText((await ask(ALICE, 'versions "Checkout errors"')).blocks)).toMatch(/\*v3\* \(current\).*\\nrestored version 1 \(sql, condition\)/);
  });

  it('a person who may not change it sees no Restore, and a press is refused', async () => {
    const alert = (await e2e.lookout.store.findAlertByName('Checkout errors'))!;
    await e2e.lookout.store.updateAlert(alert.id, { owners: [ALICE], updatedBy: ALICE, updatedAt: new Date(alert.updatedAt.getTime()) });
    const list = await ask(BOB, 'versions "Checkout errors"');
    expect(blocksText(list.blocks)).not.toContain(ACTION.restoreVersion);
    const before = e2e.sim.ephemerals(BOB).length;
    await e2e.sim.blockAction({ user: BOB, action_id: ACTION.restoreVersion, value: `${alert.id}:1`, channel: ALERTS });
    expect((await e2e.sim.waitUntil(() => e2e.sim.ephemerals(BOB)[before])).text).toMatch(/Only the owners of this alert and Lookout admins can restore it/);
  });
});

describe('/alert import', () => {
  const pasted = (name: string, extra = '') => `alerts:
  - key: imported
    name: ${name}
    type: report
    dataSource: sample
    sql: SELECT v FROM metric
    schedule: { cron: "0 9 * *", timezone: UTC }
    recipients: [{ kind: slack_channel, id: ${ALERTS} }]${extra}
`;

  it('shows each problem on the form with its line, saving nothing, then imports', async () => {
    const opened = e2e.sim.calls('views.open').length;
    await e2e.sim.slashCommand({ user_id: ALICE, text: 'import' });
    const view = await openedView(opened);
    expect(view.callback_id).toBe(CALLBACK.importModal);

    const refused = await e2e.sim.viewSubmission({ view: view.id, values: { [BLOCK.importText]: { [ACTION.value]: pasted('Imported report', '\n    shedule: 1') } } });
    expect(refused).toEqual({
      response_action: 'errors',
      errors: {
        [BLOCK.importText]: [
          'line 7: alert 1 schedule.cron: "0 9 * *" has 4 fields, not 5. Use 5 fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5.',
          'line 9: alert 1 shedule: is not a field Lookout knows; check its spelling',
        ].join('\n'),
      },
    });
    expect(await byKey('imported')).toBeNull();

    const syntax = await e2e.sim.viewSubmission({ view: view.id, values: { [BLOCK.importText]: { [ACTION.value]: 'alerts:\n  - name: [x\n' } } });
    expect(syntax).toMatchObject({ response_action: 'errors', errors: { [BLOCK.importText]: expect.stringMatching(/^line 3: Flow sequence/) } });

    const dms = e2e.sim.messages(ALICE).length;
    const saved = await e2e.sim.viewSubmission({ view: view.id, values: { [BLOCK.importText]: { [ACTION.value]: pasted('Imported report').replace('"0 9 * *"', '"0 9 * * *"') } } });
    expect(saved).toEqual({});
    const dm = await e2e.sim.waitUntil(() => e2e.sim.messages(ALICE)[dms]);
    expect(dm.text).toBe('✅ Imported:\n+ created “Imported report”');
    expect(await byKey('imported')).toMatchObject({ name: 'Imported report', owners: [ALICE], managedBy: null, createdBy: ALICE });
  });

  it('names neither the alert nor its file when the key is taken by an alert the person may not see', async () => {
    // Bob's alert posts only to #bobs, which Alice is not in; one of them is managed in code.
    const hidden = await e2e.createAlert(BOB, firingAlert('Payroll run', { cron: '0 9 1 1 *', channels: [BOBS] }));
    const managed = await e2e.createAlert(BOB, firingAlert('Payroll audit', { cron: '0 9 1 1 *', channels: [BOBS] }));
    await e2e.lookout.store.updateAlert(managed.id, { managedBy: 'finance/payroll.yml', updatedBy: ADMIN, updatedAt: new Date(managed.updatedAt.getTime()) });
    for (const alert of [hidden, managed]) {
      const opened = e2e.sim.calls('views.open').length;
      await e2e.sim.slashCommand({ user_id: ALICE, text: 'import' });
      const view = await openedView(opened);
      const refused = await e2e.sim.viewSubmission({ view: view.id, values: { [BLOCK.importText]: { [ACTION.value]: pasted('Anything').replace('key: imported', `key: ${alert.key}`) } } });
      expect(refused).toEqual({
        response_action: 'errors',
        errors: { [BLOCK.importText]: `line 2: alert 1 key: the key “${alert.key}” is taken by an alert you cannot see; use another key` },
      });
      expect(await e2e.lookout.store.getAlert(alert.id)).toMatchObject({ name: alert.name, owners: [BOB] });
    }
  });
});
