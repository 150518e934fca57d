// Every content option the modal offers, each said once: its block (the service's field key),
// the input people see, the content kinds it is shown for, and its value when the alert has
// none. The modal draws them, reads them back, sends them to the service and routes their
// errors from this one table, so a new content option is a domain field, its validation, one
// entry here, and the code that uses it.
import { CHART_TYPES, DEFAULTS, type Content } from '../../domain/types.js';
import { LIMITS } from '../../services/alert-input.js';

export type ContentKind = Content['kind'];
export const CONTENT_KINDS: readonly ContentKind[] = ['none', 'csv', 'chart', 'screenshot'];

/** A content option's value in the form: text for inputs and selects, a flag for checkboxes. */
export type ContentValue = string | boolean;
export type ContentValues = Record<string, ContentValue>;

/** An input of the modal drawn from a table (content options here, condition options in condition-fields.ts). */
export type FieldInput =
  | { kind: 'text'; label: string; placeholder?: string; hint?: string; optional?: boolean; max?: number }
  | { kind: 'checkbox'; label: string; text: string; hint?: string }
  | {
      kind: 'select';
      label: string;
      options: readonly { value: string; text: string }[];
      hint?: string;
      /** How a stored value outside `options` is listed (so saving an edit keeps it); absent: it is not. */
      other?: (value: string) => string;
    };

interface ContentFieldSpec {
  /** The property of the Content object, e.g. `waitForGone`. */
  name: string;
  input: FieldInput;
  /** The content kinds it is shown for (and read back for, and sent to the service for). */
  kinds: readonly ContentKind[];
  /** The value when the alert has none (or another kind). */
  fallback: ContentValue;
}

const SCREENSHOT = ['screenshot'] as const;
const WITH_CSV = ['csv', 'chart', 'screenshot'] as const;
const selector = { optional: true, max: LIMITS.selectorLength };

const SPECS: readonly ContentFieldSpec[] = [
  {
    name: 'chart',
    kinds: ['chart'],
    fallback: 'line',
    input: { kind: 'select', label: 'Chart', options: CHART_TYPES.map((c) => ({ value: c, text: c.charAt(0).toUpperCase() + c.slice(1) })) },
  },
  {
    name: 'native',
    kinds: ['chart'],
    fallback: true,
    input: {
      kind: 'checkbox',
      label: 'In Slack',
      text: "Slack's own chart when the data fit",
      hint: 'Up to 6 series of 20 points (a pie: 6 slices). Otherwise, and in email, the chart goes as a picture.',
    },
  },
  {
    name: 'url',
    kinds: SCREENSHOT,
    fallback: '',
    input: { kind: 'text', label: 'Screenshot URL', placeholder: 'https://dashboards.internal/d/sales', hint: 'What the browser opens; only hosts an admin allowed.' },
  },
  {
    name: 'linkUrl',
    kinds: SCREENSHOT,
    fallback: '',
    input: { kind: 'text', label: 'Link shown in Slack', optional: true, hint: 'When people should open a different (e.g. public) address.' },
  },
  {
    name: 'width',
    kinds: SCREENSHOT,
    fallback: String(DEFAULTS.screenshotWidth),
    input: { kind: 'text', label: 'Width (pixels)', optional: true, hint: `${LIMITS.screenshotWidth.min}–${LIMITS.screenshotWidth.max}. Empty: ${DEFAULTS.screenshotWidth}.` },
  },
  {
    name: 'height',
    kinds: SCREENSHOT,
    fallback: String(DEFAULTS.screenshotHeight),
    input: { kind: 'text', label: 'Height (pixels)', optional: true, hint: `${LIMITS.screenshotHeight.min}–${LIMITS.screenshotHeight.max}. Empty: ${DEFAULTS.screenshotHeight}.` },
  },
  {
    name: 'scale',
    kinds: SCREENSHOT,
    fallback: String(DEFAULTS.screenshotScale),
    input: {
      kind: 'select',
      label: 'Scale',
      options: [
        { value: '1', text: '1×' },
        { value: '2', text: '2×' },
      ],
      // The service takes any scale in range (a file can set 1.5).
      other: (value) => `${value}×`,
      hint: '2× gives sharp text on high-density screens, in an image twice as wide and tall.',
    },
  },
  {
    name: 'fullPage',
    kinds: SCREENSHOT,
    fallback: false,
    input: { kind: 'checkbox', label: 'Page', text: 'Whole page', hint: 'The whole scrollable page, not only the window. Ignored with an element below.' },
  },
  {
    name: 'selector',
    kinds: SCREENSHOT,
    fallback: '',
    input: { kind: 'text', label: 'Only this element (CSS selector)', ...selector, placeholder: '#revenue-chart', hint: 'Empty: the window, or the whole page when ticked above.' },
  },
  {
    name: 'waitFor',
    kinds: SCREENSHOT,
    fallback: '',
    input: { kind: 'text', label: 'Wait for element (CSS selector)', ...selector, placeholder: '.dashboard-loaded', hint: 'Captured once this is on the page.' },
  },
  {
    name: 'waitForGone',
    kinds: SCREENSHOT,
    fallback: '',
    input: { kind: 'text', label: 'Wait until gone (CSS selector, e.g. a spinner)', ...selector, placeholder: '.loading-spinner', hint: 'Captured once this has left the page.' },
  },
  {
    name: 'csv',
    kinds: ['chart', 'screenshot'],
    fallback: false,
    input: { kind: 'checkbox', label: 'Data', text: 'Also attach the data as CSV' },
  },
  // Every kind that can carry a CSV, ticked or not: the CSV box does not re-render the modal.
  {
    name: 'bom',
    kinds: WITH_CSV,
    fallback: false,
    input: { kind: 'checkbox', label: 'CSV encoding', text: 'CSV with a byte order mark (for Excel)', hint: 'Excel then reads accents and non-Latin text correctly.' },
  },
  {
    name: 'keepFormulas',
    kinds: WITH_CSV,
    fallback: false,
    input: {
      kind: 'checkbox',
      label: 'CSV formulas',
      text: 'Keep cells that start with = + - @ as they are',
      hint: "Off: such cells get a leading ' so a spreadsheet shows them instead of running them as formulas.",
    },
  },
];

export interface ContentField extends ContentFieldSpec {
  /** The block_id, which is also the service's field-error key, e.g. `content.waitForGone`. */
  block: string;
}

/** The block (and service field key) of a content option. */
export const contentBlock = (name: string): string => `content.${name}`;

export const CONTENT_FIELDS: readonly ContentField[] = SPECS.map((spec) => ({ ...spec, block: contentBlock(spec.name) }));

/** The content fields shown for a kind, in order. */
export function contentFieldsFor(kind: ContentKind): ContentField[] {
  return CONTENT_FIELDS.filter((f) => f.kinds.includes(kind));
}

/** Every field at its fallback. */
export function defaultContentValues(): ContentValues {
  return Object.fromEntries(CONTENT_FIELDS.map((f) => [f.name, f.fallback]));
}

/** An alert's content as form values: each field's stored value as text or a flag, its fallback when absent. */
export function contentValuesOf(content: Content): ContentValues {
  const stored = content as unknown as Record<string, unknown>;
  return Object.fromEntries(
    CONTENT_FIELDS.map((f) => {
      const value = stored[f.name];
      if (value === undefined || value === null || content.kind === 'none') return [f.name, f.fallback];
      return [f.name, typeof f.fallback === 'boolean' ? value === true : String(value)];
    }),
  );
}

/** What the service gets for the chosen kind: only that kind's fields, as entered (it trims and checks them). */
export function contentInputOf(kind: ContentKind, values: ContentValues): Record<string, unknown> {
  return { kind, ...Object.fromEntries(contentFieldsFor(kind).map((f) => [f.name, values[f.name] ?? f.fallback])) };
}
