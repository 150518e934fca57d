// What the rest of Lookout asks of the browser and the chart renderer. Failures throw
// CaptureError, whose message is a sentence for the alert's owners.
import type { ChartType, QueryResult } from '../domain/types.js';
import { LookoutError } from '../errors.js';

export interface ScreenshotRequest {
  url: string;
  width: number;
  height: number;
  /** Device scale factor. */
  scale: number;
  /** Capture only this element. */
  selector: string | null;
  /** The whole scrollable page (ignored with `selector`). */
  fullPage: boolean;
  /** Wait until this CSS selector appears. */
  waitFor: string | null;
  /** Wait until this CSS selector is gone (a spinner). */
  waitForGone: string | null;
  /**
   * Whom the capture is for (the alert's owners): credentials limited to some people
   * (screenshots.auth allowedUsers) go only with a capture for people who are all among them.
   */
  for?: readonly string[];
}

export interface Screenshotter {
  /** A PNG of the page; throws CaptureError. Bounded by the signal (the working timeout). */
  capture(request: ScreenshotRequest, signal: AbortSignal): Promise<Buffer>;
  /** Whether the browser starts and answers (for /alert doctor; launches it); never throws. */
  check(): Promise<{ ok: boolean; detail: string }>;
  /** Where the browser stands, without launching it (for /healthz). */
  status(): { state: 'idle' | 'running' | 'failed'; detail: string };
  /** Closes the browser; captures in flight fail. */
  close(): Promise<void>;
}

export interface ChartRenderer {
  /** A PNG of the result as a line or bar chart or a table, titled `title`; throws CaptureError. */
  render(title: string, chart: ChartType, result: QueryResult): Promise<Buffer>;
}

export class CaptureError extends LookoutError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('capture', message, options);
  }
}
