// The Block Kit limits Slack enforces that Lookout's builders must respect (SLACK-NOTES.md),
// so an e2e test catches an over-long message here instead of in production.
// https://docs.slack.dev/reference/block-kit/blocks
import type { Json } from '../records.js';
import { SlackApiError } from './context.js';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  blockId: 255,
  actionsElements: 25,
  imageAltText: 2000,
  /** Slack's overall cap on a message's block text is undocumented; ~13k per SLACK-NOTES. */
  messageBlocksText: 13_000,
  messageText: 40_000,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  viewTitle: 24,
  // Slack's own chart and table blocks (docs.slack.dev: "Data visualization block", "Table block").
  chartTitle: 50,
  chartSeries: 6,
  chartPoints: 20,
  chartLabel: 20,
  chartAxisLabel: 50,
  pieSegments: 6,
  chartsPerMessage: 2,
  tableRows: 100,
  tableCells: 20,
  tableColumnSettings: 20,
  tablesPerMessage: 1,
};

function invalid(error: string, message: string, pointer: string): SlackApiError {
  return new SlackApiError(error, { response_metadata: { messages: [`[ERROR] ${message} [json-pointer:${pointer}]`] } });
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).text === 'string') return (value as Json).text as string;
  return undefined;
}

/** Sum of every `text` string in a block tree: the size Slack's overall limit is about. */
function totalText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + totalText(v), 0);
  if (!value || typeof value !== 'object') return 0;
  let sum = 0;
  for (const [key, v] of Object.entries(value as Json)) {
    sum += key === 'text' && typeof v === 'string' ? v.length : totalText(v);
  }
  return sum;
}

export function checkBlocks(blocks: unknown[], max: number, error = 'invalid_blocks', root = '/blocks'): void {
  if (blocks.length > max) throw invalid(error, `must be less than ${max + 1} items`, root);
  blocks.forEach((block, i) => {
    const at = `${root}/${i}`;
    if (!block || typeof block !== 'object' || typeof (block as Json).type !== 'string') {
      throw invalid(error, 'each block needs a type', at);
    }
    const b = block as Json;
    if (typeof b.block_id === 'string' && b.block_id.length > LIMITS.blockId) throw invalid(error, `block_id must be at most ${LIMITS.blockId} characters`, `${at}/block_id`);
    const text = textOf(b.text);
    if (b.type === 'section' && text !== undefined && text.length > LIMITS.sectionText) {
      throw invalid(error, `must be less than ${LIMITS.sectionText + 1} characters`, `${at}/text`);
    }
    if (b.type === 'header' && text !== undefined && text.length > LIMITS.headerText) {
      throw invalid(error, `must be less than ${LIMITS.headerText + 1} characters`, `${at}/text`);
    }
    if (Array.isArray(b.fields)) {
      if (b.fields.length > LIMITS.sectionFields) throw invalid(error, `must be less than ${LIMITS.sectionFields + 1} items`, `${at}/fields`);
      b.fields.forEach((f, j) => {
        if ((textOf(f)?.length ?? 0) > LIMITS.fieldText) throw invalid(error, `must be less than ${LIMITS.fieldText + 1} characters`, `${at}/fields/${j}`);
      });
    }
    if (b.type === 'actions' && Array.isArray(b.elements) && b.elements.length > LIMITS.actionsElements) {
      throw invalid(error, `must be less than ${LIMITS.actionsElements + 1} items`, `${at}/elements`);
    }
    if (b.type === 'image' && typeof b.alt_text === 'string' && b.alt_text.length > LIMITS.imageAltText) {
      throw invalid(error, `must be less than ${LIMITS.imageAltText + 1} characters`, `${at}/alt_text`);
    }
    if (b.type === 'data_visualization') checkChart(b, at, error);
    if (b.type === 'table') checkTable(b, at, error);
  });
}

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length >= 1 && v.length <= max;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A data_visualization block as Slack documents it; anything else is invalid_blocks. */
function checkChart(b: Json, at: string, error: string): void {
  if (!isText(b.title, LIMITS.chartTitle)) throw invalid(error, `title is required, at most ${LIMITS.chartTitle} characters`, `${at}/title`);
  const chart = b.chart as Json | undefined;
  if (!chart || typeof chart !== 'object') throw invalid(error, 'chart is required', `${at}/chart`);
  if (chart.type === 'pie') {
    const segments = chart.segments;
    if (!Array.isArray(segments) || segments.length < 1 || segments.length > LIMITS.pieSegments) {
      throw invalid(error, `segments must hold 1 to ${LIMITS.pieSegments} items`, `${at}/chart/segments`);
    }
    segments.forEach((s, i) => {
      const seg = s as Json;
      if (!isText(seg.label, LIMITS.chartLabel)) throw invalid(error, `label must be 1 to ${LIMITS.chartLabel} characters`, `${at}/chart/segments/${i}/label`);
      if (!isNumber(seg.value) || seg.value <= 0) throw invalid(error, 'value must be a number above 0', `${at}/chart/segments/${i}/value`);
    });
    return;
  }
  if (chart.type !== 'line' && chart.type !== 'bar' && chart.type !== 'area') throw invalid(error, 'chart.type must be pie, bar, area or line', `${at}/chart/type`);
  const axis = chart.axis_config as Json | undefined;
  const categories = axis?.categories;
  if (!Array.isArray(categories) || categories.some((c) => !isText(c, LIMITS.chartLabel))) {
    throw invalid(error, `axis_config.categories are required, each 1 to ${LIMITS.chartLabel} characters`, `${at}/chart/axis_config/categories`);
  }
  for (const key of ['x_label', 'y_label']) {
    if (axis?.[key] !== undefined && !isText(axis[key], LIMITS.chartAxisLabel)) throw invalid(error, `must be at most ${LIMITS.chartAxisLabel} characters`, `${at}/chart/axis_config/${key}`);
  }
  const series = chart.series;
  if (!Array.isArray(series) || series.length < 1 || series.length > LIMITS.chartSeries) {
    throw invalid(error, `series must hold 1 to ${LIMITS.chartSeries} items`, `${at}/chart/series`);
  }
  const names = new Set<string>();
  series.forEach((s, i) => {
    const one = s as Json;
    if (!isText(one.name, LIMITS.chartLabel)) throw invalid(error, `name must be 1 to ${LIMITS.chartLabel} characters`, `${at}/chart/series/${i}/name`);
    if (names.has(one.name)) throw invalid(error, 'series names must be unique', `${at}/chart/series/${i}/name`);
    names.add(one.name);
    const data = one.data;
    if (!Array.isArray(data) || data.length < 1 || data.length > LIMITS.chartPoints) {
      throw invalid(error, `data must hold 1 to ${LIMITS.chartPoints} points`, `${at}/chart/series/${i}/data`);
    }
    data.forEach((p, j) => {
      const point = p as Json;
      if (!isText(point.label, LIMITS.chartLabel) || !categories.includes(point.label)) {
        throw invalid(error, 'each label must be one of axis_config.categories', `${at}/chart/series/${i}/data/${j}/label`);
      }
      if (!isNumber(point.value)) throw invalid(error, 'value must be a number', `${at}/chart/series/${i}/data/${j}/value`);
    });
  });
}

/** A table block as Slack documents it: ≤ 100 rows of ≤ 20 raw_text/rich_text cells. */
function checkTable(b: Json, at: string, error: string): void {
  const rows = b.rows;
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > LIMITS.tableRows) throw invalid(error, `rows must hold 1 to ${LIMITS.tableRows} items`, `${at}/rows`);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length < 1 || row.length > LIMITS.tableCells) throw invalid(error, `each row holds 1 to ${LIMITS.tableCells} cells`, `${at}/rows/${i}`);
    row.forEach((cell, j) => {
      const c = cell as Json;
      const ok = (c.type === 'raw_text' && isText(c.text, Infinity)) || c.type === 'rich_text' || (c.type === 'raw_number' && isNumber(c.value));
      if (!ok) throw invalid(error, 'a cell must be raw_text (text of at least 1 character), raw_number or rich_text', `${at}/rows/${i}/${j}`);
    });
  });
  const settings = b.column_settings;
  if (settings !== undefined && (!Array.isArray(settings) || settings.length > LIMITS.tableColumnSettings)) {
    throw invalid(error, `column_settings holds at most ${LIMITS.tableColumnSettings} items`, `${at}/column_settings`);
  }
}

/**
 * chat.postMessage / chat.update / postEphemeral content checks. `nativeBlocks: false` plays a
 * workspace (or client rollout) without Slack's chart and table blocks: they are invalid_blocks.
 */
export function checkMessage(args: Json, options: { nativeBlocks?: boolean } = {}): void {
  const text = typeof args.text === 'string' ? args.text : undefined;
  const blocks = args.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) throw invalid('invalid_blocks_format', 'blocks must be a JSON array', '/blocks');
  const attachments = args.attachments;
  if (!text && !(Array.isArray(blocks) && blocks.length) && !(Array.isArray(attachments) && attachments.length)) {
    throw new SlackApiError('no_text');
  }
  if (text !== undefined && text.length > LIMITS.messageText) throw new SlackApiError('msg_too_long');
  if (Array.isArray(blocks)) {
    const charts = blocks.filter((b) => (b as Json)?.type === 'data_visualization').length;
    const tables = blocks.filter((b) => (b as Json)?.type === 'table').length;
    if (options.nativeBlocks === false && charts + tables > 0) throw invalid('invalid_blocks', 'unsupported block type', '/blocks');
    if (charts > LIMITS.chartsPerMessage) throw invalid('invalid_blocks', `at most ${LIMITS.chartsPerMessage} data_visualization blocks per message`, '/blocks');
    if (tables > LIMITS.tablesPerMessage) throw invalid('invalid_blocks', 'only one table block per message', '/blocks');
    checkBlocks(blocks, LIMITS.messageBlocks);
    if (totalText(blocks) > LIMITS.messageBlocksText) throw new SlackApiError('msg_blocks_too_long');
  }
}

/** views.open / push / update / publish payload checks. */
export function checkView(view: Json, expectedType: 'modal' | 'home'): void {
  if (view.type !== expectedType) {
    throw invalid('invalid_arguments', `view.type must be ${expectedType}`, '/view/type');
  }
  if (!Array.isArray(view.blocks)) throw invalid('invalid_arguments', 'view.blocks must be an array', '/view/blocks');
  checkBlocks(view.blocks, LIMITS.viewBlocks, 'invalid_arguments', '/view/blocks');
  const limited: Array<[string, number]> = [
    ['private_metadata', LIMITS.privateMetadata],
    ['callback_id', LIMITS.callbackId],
    ['external_id', LIMITS.externalId],
  ];
  for (const [key, max] of limited) {
    const value = view[key];
    if (typeof value === 'string' && value.length > max) throw invalid('invalid_arguments', `must be at most ${max} characters`, `/view/${key}`);
  }
  if (expectedType === 'modal') {
    for (const key of ['title', 'submit', 'close']) {
      const text = textOf(view[key]);
      if (key === 'title' && text === undefined) throw invalid('invalid_arguments', 'a modal needs a title', '/view/title');
      if (text !== undefined && text.length > LIMITS.viewTitle) throw invalid('invalid_arguments', `must be at most ${LIMITS.viewTitle} characters`, `/view/${key}`);
    }
    const hasInput = view.blocks.some((b) => (b as Json).type === 'input');
    if (hasInput && view.submit === undefined) throw invalid('invalid_arguments', 'a modal with input blocks needs submit', '/view/submit');
  }
}
