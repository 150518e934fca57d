// What goes with an alert's message, as a person enters it: each content kind with its options,
// numbers as a form sends them (text) or a file does (numbers). Part of the alert schema
// (alert-schema.ts); which screenshot hosts are allowed is the caller's (alert-input.ts).
import { z } from 'zod';
import { holdsLogin } from '../domain/content.js';
import { CHART_TYPES, DEFAULTS } from '../domain/types.js';
import { blankAsAbsent, DECIMAL, described, flag, strictNumber, wholeNumberOr } from './input-checks.js';

export const CONTENT_LIMITS = {
  screenshotWidth: { min: 320, max: 4096 },
  screenshotHeight: { min: 200, max: 8192 },
  /** Device scale factor: 2 already makes a 1920×1080 capture 3840×2160 pixels. */
  screenshotScale: { min: 1, max: 3 },
  /** CSS selectors (element, wait for, wait until gone). */
  selectorLength: 500,
} as const;

/** A link: http or https. Which hosts a screenshot may open is checked with the person's context. */
const url = z
  .string({ error: 'a URL is required' })
  .trim()
  .min(1, 'a URL is required')
  .transform((text, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      ctx.issues.push({ code: 'custom', message: 'is not a URL; use https://…', input: text });
      return z.NEVER;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      ctx.issues.push({ code: 'custom', message: 'only http and https URLs can be used', input: text });
      return z.NEVER;
    }
    // It would be shown in Slack, and the browser would keep the login for the next alert's page.
    if (holdsLogin(parsed)) {
      ctx.issues.push({ code: 'custom', message: 'must not hold a user name or password; logins to dashboards are set by an admin (screenshots.auth)', input: text });
      return z.NEVER;
    }
    return parsed.href;
  });

/** An optional CSS selector: blank means none. */
const selector = z
  .preprocess(
    blankAsAbsent,
    z
      .string({ error: 'must be a CSS selector' })
      .trim()
      .max(CONTENT_LIMITS.selectorLength, `must be at most ${CONTENT_LIMITS.selectorLength} characters`)
      .optional(),
  )
  .transform((v) => v ?? null);

const { min: scaleMin, max: scaleMax } = CONTENT_LIMITS.screenshotScale;
const SCALE_MESSAGE = `must be a number from ${scaleMin} to ${scaleMax}, e.g. 1, 1.5 or 2`;
const scale = described(
  z
    .preprocess(blankAsAbsent, strictNumber(DECIMAL, SCALE_MESSAGE).pipe(z.number().min(scaleMin, SCALE_MESSAGE).max(scaleMax, SCALE_MESSAGE)).optional())
    .transform((v) => v ?? DEFAULTS.screenshotScale),
  { minimum: scaleMin, maximum: scaleMax, default: DEFAULTS.screenshotScale },
);

const csvOptions = {
  /** Start the CSV with a byte order mark (spreadsheets then read it as UTF-8). */
  bom: flag(),
  /** Leave cells starting with = + - @ as they are (off: they get a leading '). */
  keepFormulas: flag(),
};

const { screenshotWidth: width, screenshotHeight: height } = CONTENT_LIMITS;

/** Each content kind and its options; none when left out. */
export const contentSchema = z
  .preprocess(
    (raw) => raw ?? { kind: 'none' },
    z.discriminatedUnion(
      'kind',
      [
        z.object({ kind: z.literal('none') }),
        z.object({ kind: z.literal('csv'), ...csvOptions }),
        z.object({
          kind: z.literal('chart'),
          chart: described(
            z
              .enum(CHART_TYPES, { error: `choose ${CHART_TYPES.join(', ')}` })
              .nullish()
              .transform((v) => v ?? 'line'),
            { default: 'line' },
          ),
          csv: flag(),
          /** In Slack, Slack's own chart when the data fit. */
          native: flag(true),
          ...csvOptions,
        }),
        z.object({
          kind: z.literal('screenshot'),
          url,
          linkUrl: z.preprocess(blankAsAbsent, url.optional()).transform((v) => v ?? null),
          width: wholeNumberOr(width.min, width.max, 'pixels', DEFAULTS.screenshotWidth),
          height: wholeNumberOr(height.min, height.max, 'pixels', DEFAULTS.screenshotHeight),
          scale,
          selector,
          fullPage: flag(),
          waitFor: selector,
          waitForGone: selector,
          csv: flag(),
          ...csvOptions,
        }),
      ],
      { error: 'choose none, CSV, chart or screenshot' },
    ),
  )
  .optional()
  .transform((content) => content ?? { kind: 'none' as const });
