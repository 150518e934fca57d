// A MessageDoc drawn as Block Kit: headers, mrkdwn sections, context notes, code blocks, the
// alert's buttons, and — in messages, when the data fit — Slack's own chart (data_visualization)
// and table blocks. Views (modals, Home) take neither, so they get the text table. Every text from
// outside is escaped here, and the result always fits Slack's limits (limits.ts).
import type { KnownBlock, TableBlock } from '@slack/types';
import type { Inline, MessageDoc, Part } from '../document.js';
import { inertPlain } from '../escape.js';
import type { ResultTable } from '../result-table.js';
import { rowsSummary } from '../sentences.js';
import { alertActions } from './alert-actions.js';
import { context, header, section } from './kit.js';
import { blocksSize, fitMessageBlocks, SLACK_LIMITS, truncate, type SlackBlock, type SlackMessage } from './limits.js';
import { bold, channel, code, codeBlock, escapeMrkdwn, link, slackDate, user, userGroup } from './mrkdwn.js';
import { formatInZone } from '../time.js';
import { packLines } from './pack-lines.js';
import { textTable } from './text-table.js';

export interface SlackRenderOptions {
  /** A message takes Slack's chart and table blocks; a view (modal, Home) takes neither. */
  surface: 'message' | 'view';
  /** Draw Slack's own chart and table blocks; false after Slack refused them (invalid_blocks). */
  native?: boolean;
  /** For the snooze picker's initial time. */
  now?: Date;
}

export interface RenderedSlack {
  message: SlackMessage;
  /** What showed the chart or screenshot: Slack's chart block, the PNG (uploaded after), or none. */
  picture: 'native' | 'image' | null;
}

/** Rows a message's table shows at most (under its header), and the share of a message it may take. */
const MESSAGE_TABLE_ROWS = 20;
const TABLE_BUDGET_CHARS = 6000;
/** Rows the text table shows (a code block reads badly past this). */
const TEXT_TABLE_ROWS = 10;

export function renderSlack(doc: MessageDoc, options: SlackRenderOptions): RenderedSlack {
  const native = options.surface === 'message' && options.native !== false;
  let picture: RenderedSlack['picture'] = null;
  let tableUsed = false;
  const blocks: SlackBlock[] = doc.parts.flatMap((part): SlackBlock[] => {
    switch (part.kind) {
      case 'heading':
        return [header(part.text)];
      case 'paragraph':
        return [section(inlines(part.inlines))];
      case 'note':
        return [context([inlines(part.inlines)], part.id)];
      case 'code':
        return [section(codeBlock(truncate(part.text, SLACK_LIMITS.sectionText - 20)))];
      case 'template':
        return part.mrkdwn.trim() === '' ? [] : [section(part.mrkdwn)];
      case 'picture':
        if (native && part.native !== null) {
          picture = 'native';
          return [part.native, context([escapeMrkdwn(part.summary)])];
        }
        picture = part.image !== null ? 'image' : null;
        return [];
      case 'table':
        if (native && !tableUsed) {
          tableUsed = true; // Slack takes one table block per message.
          return tableBlocks(part.table);
        }
        return textTableBlocks(part.table);
      case 'files':
        return []; // the files follow the message in its channel or thread
      case 'list':
        return packLines(part.items.map(inlines), part.more);
      case 'actions':
        return [alertActions(part.alert, part.buttons, options.now, part.incident)];
    }
  });
  const fitted =
    options.surface === 'message' ? fitMessageBlocks(blocks) : (blocks.slice(0, SLACK_LIMITS.viewBlocks) as SlackBlock[]);
  return { message: { text: truncate(escapeMrkdwn(doc.summary), SLACK_LIMITS.messageText), blocks: fitted }, picture };
}

/**
 * A short document as one section (a modal's Test query result): its parts on lines, lists as
 * bullets, the table as text in what room the other lines leave, cut to one section's limit.
 * Headings, pictures, files and buttons are left out.
 */
export function renderSection(doc: MessageDoc, blockId: string): KnownBlock {
  const text = (part: Part): string | null => {
    switch (part.kind) {
      case 'paragraph':
      case 'note':
        return inlines(part.inlines);
      case 'code':
        return codeBlock(truncate(part.text, SLACK_LIMITS.sectionText - 200));
      case 'list':
        return part.items.map((item) => `• ${inlines(item)}`).join('\n');
      default:
        return null;
    }
  };
  const used = doc.parts.reduce((n, part) => n + (text(part)?.length ?? 0) + 1, 0);
  // A table cut by the section's limit would lose its closing fence: it gets the room left.
  const tableRoom = Math.max(SECTION_TABLE_MIN, Math.min(SECTION_TABLE_MAX, SLACK_LIMITS.sectionText - 100 - used));
  const lines = doc.parts.flatMap((part): string[] => {
    if (part.kind !== 'table') return [text(part)].filter((t): t is string => t !== null);
    const table = textTable(part.table, { maxRows: 5, maxChars: tableRoom });
    return table === null ? [] : [table.mrkdwn];
  });
  return section(lines.join('\n'), blockId);
}

/** Characters a section's text table may take: at most, and at least (then the lines are cut instead). */
const SECTION_TABLE_MAX = 2400;
const SECTION_TABLE_MIN = 600;

/** Inlines as mrkdwn: text escaped, marks drawn. */
export function inlines(parts: readonly Inline[]): string {
  return parts
    .map((i) => {
      if (typeof i === 'string') return escapeMrkdwn(i);
      if ('bold' in i) return bold(i.bold);
      if ('code' in i) return code(i.code);
      if ('link' in i) return link(i.link, i.label);
      if ('user' in i) return user(i.user);
      if ('time' in i) return slackDate(i.time, formatInZone(i.time, i.zone));
      if ('group' in i) return userGroup(i.group);
      return channel(i.channel);
    })
    .join('');
}

/** Slack's table block of the first rows (numbers right-aligned), and a note saying how many of how many. */
function tableBlocks(table: ResultTable): SlackBlock[] {
  const columns = Math.min(table.columns.length, SLACK_LIMITS.tableColumns);
  const cell = (text: string) => ({ type: 'raw_text' as const, text: inertPlain(truncate(text, SLACK_LIMITS.tableCellChars)) || ' ' });
  const build = (rows: number): TableBlock => ({
    type: 'table',
    rows: [table.columns.slice(0, columns), ...table.rows.slice(0, rows).map((r) => r.slice(0, columns))].map((r) => r.map(cell)),
    column_settings: table.numeric.slice(0, columns).map((n) => (n ? { align: 'right' } : { align: 'left' })),
  });
  // Fewer rows until the table fits its share of the message.
  let rows = Math.min(table.rows.length, MESSAGE_TABLE_ROWS, SLACK_LIMITS.tableRows - 1);
  while (rows > 1 && blocksSize([build(rows)]) > TABLE_BUDGET_CHARS) rows -= 1;
  const note = [rowsSummary(rows, table.total, table.truncated), ...(columns < table.columns.length ? [`first ${columns} of ${table.columns.length} columns`] : [])];
  return [context([`_${escapeMrkdwn(capitalised(note.join(', ')))}_`]), build(rows)];
}

/** The first rows as a monospace table in a code block (views, and after Slack refused a table block). */
function textTableBlocks(table: ResultTable): KnownBlock[] {
  const summary = (shown: number) => `_${escapeMrkdwn(capitalised(rowsSummary(shown, table.total, table.truncated)))}_`;
  const rendered = textTable(table, { maxRows: TEXT_TABLE_ROWS, maxChars: SLACK_LIMITS.sectionText - summary(TEXT_TABLE_ROWS).length - 40 });
  return rendered === null ? [] : [section(`${summary(rendered.shownRows)}\n${rendered.mrkdwn}`)];
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type { Part };
