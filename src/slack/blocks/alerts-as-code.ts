// Block Kit for alerts as code in Slack (issue 5/6): an alert's versions with their Restore
// buttons, an alert as YAML (`/alert export`), the `/alert import` form, and the read-only view of
// an alert managed in an alert file. Pure builders, within Slack's limits.
import type { KnownBlock, ModalView } from '@slack/types';
import type { Alert } from '../../domain/types.js';
import type { AlertVersion, ChangeChannel } from '../../domain/versions.js';
import { button, context, header, plain, section } from '../../messages/slack/kit.js';
import { fitMessageBlocks, SLACK_LIMITS, truncate, type SlackMessage } from '../../messages/slack/limits.js';
import { bold, code, codeBlock, escapeMrkdwn, user } from '../../messages/slack/mrkdwn.js';
import { ACTION, BLOCK, CALLBACK, versionButtonValue } from '../../messages/slack/ids.js';
import { formatInZone } from '../../messages/time.js';

const THROUGH: Record<ChangeChannel, string> = { slack: 'in Slack', cli: 'with the CLI', files: 'from its alert file' };

/** The sentence Slack shows wherever an alert defined in a file appears. */
export function managedLine(managedBy: string): string {
  return `managed in code: ${code(managedBy)}`;
}

/**
 * The alert's versions, newest first, each with who, when, through what and the fields it changed;
 * a Restore button on each but the newest when the reader may restore (an owner or an admin, and
 * the alert not managed in a file).
 */
export function buildVersionList(alert: Alert, versions: readonly AlertVersion[], options: { canRestore: boolean; zone: string }): SlackMessage {
  const title = `Versions of “${alert.name}”`;
  const newest = versions[0]?.version;
  const blocks: KnownBlock[] = [header(title)];
  if (alert.managedBy !== null) blocks.push(context([`📄 ${managedLine(alert.managedBy)} — restore an earlier version by changing that file.`]));
  if (versions.length === 0) {
    blocks.push(section('No versions yet: the first change saves one.'));
    return { text: truncate(escapeMrkdwn(title), SLACK_LIMITS.messageText), blocks: fitMessageBlocks(blocks) };
  }
  for (const v of versions) {
    const what =
      v.restoredFrom !== null
        ? `restored version ${v.restoredFrom}${v.changed.length > 0 ? ` (${v.changed.join(', ')})` : ''}`
        : v.changed.length === 0
          ? v.version === 1
            ? 'created'
            : 'saved as it was'
          : `changed ${v.changed.join(', ')}`;
    const line = `${bold(`v${v.version}`)}${v.version === newest ? ' (current)' : ''} · ${escapeMrkdwn(formatInZone(v.at, options.zone))} · ${user(v.by)} ${THROUGH[v.via]}${
      v.managedBy !== null ? ` (${code(v.managedBy)})` : ''
    }\n${escapeMrkdwn(what)}`;
    const restore = options.canRestore && alert.managedBy === null && v.version !== newest;
    blocks.push(restore ? { ...section(line), accessory: button('Restore', ACTION.restoreVersion, versionButtonValue(alert.id, v.version)) } : section(line));
  }
  blocks.push(context(['Restore saves a new version equal to the one you pick; the list keeps every earlier one.']));
  return { text: truncate(escapeMrkdwn(title), SLACK_LIMITS.messageText), blocks: fitMessageBlocks(blocks) };
}

/** Code blocks of at most this many characters each, split between lines. */
const CHUNK = SLACK_LIMITS.sectionText - 100;
/** Code blocks one answer shows at most (the rest of Slack's ~12k characters are the text around them). */
const CHUNKS = 3;

/** YAML in code blocks, split between lines; null when it does not fit one message. */
function yamlBlocks(text: string): KnownBlock[] | null {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.trimEnd().split('\n')) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (codeBlock(next).length <= CHUNK) {
      current = next;
      continue;
    }
    if (current === '' || codeBlock(line).length > CHUNK) return null;
    chunks.push(current);
    current = line;
  }
  if (current !== '') chunks.push(current);
  return chunks.length > CHUNKS ? null : chunks.map((chunk) => section(codeBlock(chunk)));
}

/** `/alert export`: the alert's YAML, or what to do when it is too long for Slack. */
export function buildExport(alert: Alert, text: string): SlackMessage {
  const title = `“${alert.name}” as YAML`;
  const yaml = yamlBlocks(text);
  const cli = code(`npx lookout alerts export --key ${alert.key}`);
  const blocks: KnownBlock[] = [
    section(`${bold(title)} — key ${code(alert.key)}${alert.managedBy !== null ? ` — ${managedLine(alert.managedBy)}` : ''}`),
    ...(yaml ?? [section(`It is too long to show in Slack. Export it with ${cli}.`)]),
    context([`Put it in an alert file, or change it and paste it into ${code('/alert import')}. The same from the command line: ${cli}.`]),
  ];
  return { text: truncate(escapeMrkdwn(title), SLACK_LIMITS.messageText), blocks: fitMessageBlocks(blocks) };
}

/** `/alert import`: one text input for YAML (Slack's text inputs hold at most 3000 characters). */
export function buildImportModal(initial = ''): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.importModal,
    title: plain('Import alerts', SLACK_LIMITS.modalTitle),
    submit: plain('Import', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    blocks: [
      section(`Paste alerts as ${code('/alert export')} writes them (${code('alerts:')} and a list). An alert whose ${code('key')} exists is changed, if you may change it; the others are created.`),
      {
        type: 'input',
        block_id: BLOCK.importText,
        label: plain('YAML', SLACK_LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.value,
          multiline: true,
          max_length: SLACK_LIMITS.plainTextInput,
          ...(initial === '' ? {} : { initial_value: initial.slice(0, SLACK_LIMITS.plainTextInput) }),
          placeholder: plain('alerts:\n  - key: daily-sales\n    name: Daily sales\n    …', SLACK_LIMITS.placeholder),
        },
        hint: plain(`At most ${SLACK_LIMITS.plainTextInput} characters; for more, use npx lookout alerts apply.`, SLACK_LIMITS.inputHint),
      },
    ],
  };
}

/** The edit view of an alert managed in a file: where it is defined, and what it says. No saving. */
export function buildManagedView(alert: Alert, text: string): ModalView {
  const yaml = yamlBlocks(text) ?? [section(`It is too long to show here: ${code(`npx lookout alerts export --key ${alert.key}`)}.`)];
  return {
    type: 'modal',
    callback_id: CALLBACK.managedView,
    title: plain(truncate(alert.name, SLACK_LIMITS.modalTitle), SLACK_LIMITS.modalTitle),
    close: plain('Close', SLACK_LIMITS.modalButton),
    blocks: [
      section(`📄 ${bold(alert.name)} is ${managedLine(alert.managedBy ?? '')}.`),
      context([`Change it in that file; Lookout applies it. Here you can still pause, snooze, acknowledge and run it.`]),
      ...yaml,
    ],
  };
}

/** `/alert import`'s problems on its one input: one line each, as many as Slack shows. */
export function importErrorText(lines: readonly string[]): string {
  const max = 1800;
  let text = '';
  let shown = 0;
  for (const line of lines) {
    const next = text === '' ? line : `${text}\n${line}`;
    if (next.length > max) break;
    text = next;
    shown += 1;
  }
  return shown < lines.length ? `${text}\n…and ${lines.length - shown} more` : text;
}

/** What an import did, for the DM that follows it. */
export function importResultLines(created: string[], changed: { name: string; fields: string[] }[], unchanged: number): string[] {
  return [
    ...created.map((n) => `+ created “${n}”`),
    ...changed.map((c) => `~ changed “${c.name}”: ${c.fields.join(', ')}`),
    ...(unchanged > 0 ? [`= ${unchanged} unchanged`] : []),
  ];
}
