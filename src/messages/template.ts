// Per-alert message templates: Mustache (logic-less) over the alert, its value and the first
// rows: {{name}}, {{value}}, {{threshold}}, {{description}}, {{rows.0.region}}, {{#rows}}…{{/rows}}.
// Every piece of output is escaped for where it goes, the template's own text included:
// mrkdwn escapes & < > and breaks @channel/@here/@everyone (so *bold* works, but never a
// broadcast, a mention or a disguised link), HTML escapes fully, text escapes nothing.
// Only plain tags, sections and comments are allowed: a delimiter change ({{=[[ ]]=}}), an
// unescaped tag ({{{x}}}, {{&x}}) or a partial ({{>x}}) is refused when the alert is saved and
// never rendered, so nothing an author writes can switch escaping off.
import Mustache from 'mustache';
import type { Alert, Cell, QueryResult } from '../domain/types.js';
import { escapeHtml, escapeMrkdwn } from './escape.js';

export type TemplateFormat = 'mrkdwn' | 'html' | 'text';

export interface TemplateData {
  alert: Pick<Alert, 'name' | 'description' | 'condition'>;
  value: string | null;
  result: QueryResult | null;
}

/** Rows a template can reach; a template is a message, not a report generator. */
export const TEMPLATE_ROWS = 100;
/** Characters of one value a template shows; the CSV has the rest. */
export const TEMPLATE_CELL_CHARS = 1000;

const ESCAPES: Record<TemplateFormat, (s: string) => string> = {
  mrkdwn: escapeMrkdwn,
  html: escapeHtml,
  text: (s) => s,
};

/** Mustache token kinds that would bypass escaping or pull in other text. */
const FORBIDDEN: Record<string, string> = {
  '=': 'a delimiter change ({{=…=}})',
  '&': 'an unescaped value ({{&…}})',
  '{': 'an unescaped value ({{{…}}})',
  '>': 'a partial ({{>…}})',
};

type Token = [string, string, number, number, Token[]?, number?];

/** The first forbidden token in the tree, in words, or null. */
function forbiddenToken(tokens: readonly Token[]): string | null {
  for (const token of tokens) {
    const what = FORBIDDEN[token[0]];
    if (what !== undefined) return what;
    const nested = token[4];
    if (Array.isArray(nested)) {
      const inner = forbiddenToken(nested);
      if (inner !== null) return inner;
    }
  }
  return null;
}

/** The tokens with every text token escaped for the format: the template's own words are data too. */
function escapeText(tokens: readonly Token[], escape: (s: string) => string): Token[] {
  return tokens.map((token) => {
    if (token[0] === 'text') return [token[0], escape(token[1]), token[2], token[3]];
    const nested = token[4];
    return Array.isArray(nested) ? [token[0], token[1], token[2], token[3], escapeText(nested, escape), token[5]] : token;
  });
}

/** The rendered template; one that cannot be used (unparseable, or a forbidden tag) renders as its escaped text. */
export function renderMessageTemplate(template: string, data: TemplateData, format: TemplateFormat): string {
  const escape = ESCAPES[format];
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as Token[];
  } catch {
    return escape(template);
  }
  if (forbiddenToken(tokens) !== null) return escape(template);
  // Values are escaped before Mustache sees them; its own escape is the identity.
  const writer = new Mustache.Writer();
  return writer.renderTokens(escapeText(tokens, escape) as unknown as string[][], new Mustache.Context(view(data, escape)), {}, template, {
    escape: (v: unknown) => String(v),
  });
}

/** Why a template cannot be used, or null (for the modal's field error). */
export function templateProblem(template: string): string | null {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as Token[];
  } catch (err) {
    return `the template cannot be read: ${(err as Error).message.split('\n')[0] ?? 'syntax error'}`;
  }
  const forbidden = forbiddenToken(tokens);
  return forbidden === null
    ? null
    : `the template uses ${forbidden}, which Lookout does not allow: every value is escaped for Slack and email, so write {{name}}, {{value}} or {{#rows}}…{{/rows}}`;
}

function view(data: TemplateData, escape: (s: string) => string): Record<string, unknown> {
  const cell = (c: Cell | undefined): string => (c === null || c === undefined ? 'NULL' : escape(cut(String(c))));
  const columns = data.result?.columns ?? [];
  const rows = (data.result?.rows ?? []).slice(0, TEMPLATE_ROWS).map((row) => {
    const named: Record<string, string> = {};
    columns.forEach((column, i) => {
      named[column] = cell(row[i]);
    });
    return named;
  });
  const condition = data.alert.condition;
  return {
    name: escape(data.alert.name),
    description: escape(data.alert.description),
    value: escape(cut(data.value ?? '')),
    threshold: condition && 'threshold' in condition ? escape(String(condition.threshold)) : '',
    condition: condition ? escape(condition.op) : '',
    rows,
    rowCount: data.result?.rows.length ?? 0,
    columns: columns.map(escape),
  };
}

function cut(text: string): string {
  return text.length > TEMPLATE_CELL_CHARS ? `${text.slice(0, TEMPLATE_CELL_CHARS - 1)}…` : text;
}
