// Content is rendered once per execution (not per recipient) and handed to every delivery
// as attachments. Rendering never fails an alert: what could not be made becomes a note
// that the message carries instead (DESIGN.md, issue 3/5 decisions).
import type { Alert, QueryResult } from '../domain/types.js';

export interface Attachment {
  kind: 'image' | 'csv';
  /** File name as people see it, e.g. "orders-by-region.png". */
  filename: string;
  mimeType: 'image/png' | 'text/csv';
  bytes: Buffer;
  /** Title shown with the file. */
  title: string;
  /** Describes an image for screen readers. */
  altText: string | null;
}

export interface RenderedContent {
  attachments: Attachment[];
  /** One sentence per piece of content that could not be made, saying why. */
  notes: string[];
  /** Time spent on the screenshot or chart, when there was one. */
  captureMs: number | null;
}

export interface ContentRenderer {
  /** Never throws; failures become notes. Honours the execution's signal. */
  render(alert: Alert, result: QueryResult, signal: AbortSignal): Promise<RenderedContent>;
}
