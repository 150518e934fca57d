// Uploads a message's attachments (chart or screenshot PNG, CSV) into the message's channel
// and thread, with the three calls filesUploadV2 is made of (SLACK-NOTES.md, Files):
//   1. files.getUploadURLExternal per file: nothing is visible yet, so it is retried.
//   2. POST the bytes to each upload_url: idempotent per file id, so retried here with
//      backoff on 5xx and network errors.
//   3. ONE files.completeUploadExternal sharing them all: after a 5xx the files may already
//      be shared, so it is never replayed (a replay could show them twice).
// Not client.filesUploadV2: it retries no step on its own terms and cannot tell a failed byte
// upload (safe to retry) from an ambiguous completion (unsafe). All or nothing: when a file
// cannot be uploaded, none is shared, and the caller notes why.
import { setTimeout as delay } from 'node:timers/promises';
import type { FilesGetUploadURLExternalArguments, WebClient } from '@slack/web-api';
import type { Attachment } from '../../content/port.js';
import type { Logger } from '../../logger.js';
import { signalWithin } from '../signal-within.js';
import { callSlack } from '../../slack-api/call.js';

export interface SlackFilesDeps {
  client: WebClient;
  /** The bot token: the upload URL wants it as Bearer, like the Web API. */
  token: string;
  logger: Logger;
}

/** Where the files go: the message's channel, and its thread when it is a reply. */
export interface FileDestination {
  channel: string;
  threadTs?: string;
}

export type UploadResult = { ok: true } | { ok: false; error: string };

export const UPLOAD_LIMITS = {
  /** Retries of one file's byte upload after a 5xx or a network error. */
  retries: 3,
  /** First wait before a retry; doubles each time. */
  backoffMs: 500,
  /** One byte upload that takes longer is cut and retried. */
  requestTimeoutMs: 60_000,
  /** Slack refuses longer image descriptions (alt_txt_too_large). */
  altTextChars: 1000,
} as const;

const MAYBE_SHARED = 'Slack did not confirm sharing them, so they may or may not have been shared; Lookout did not share them again (that could show them twice)';

export async function uploadAttachments(
  deps: SlackFilesDeps,
  attachments: readonly Attachment[],
  to: FileDestination,
  signal: AbortSignal,
): Promise<UploadResult> {
  const { client, logger } = deps;
  if (attachments.length === 0) return { ok: true };

  const targets: { id: string; url: string; file: Attachment }[] = [];
  for (const file of attachments) {
    const args: FilesGetUploadURLExternalArguments & { alt_txt?: string } = { filename: file.filename, length: file.bytes.length };
    if (file.altText !== null) {
      // Slack's method page says `alt_txt`; WebClient's type (and filesUploadV2) say
      // `alt_text`. Both go: Slack ignores arguments it does not know.
      args.alt_txt = args.alt_text = file.altText.slice(0, UPLOAD_LIMITS.altTextChars);
    }
    const got = await callSlack(
      'files.getUploadURLExternal',
      () => client.files.getUploadURLExternal(args),
      signal,
      { sideEffect: false },
      logger,
    );
    if (!got.ok) return { ok: false, error: got.failure.error };
    const { file_id: id, upload_url: url } = got.value;
    if (id === undefined || url === undefined) return { ok: false, error: 'Slack gave no upload address for the file' };
    targets.push({ id, url, file });
  }

  for (const target of targets) {
    const sent = await postBytes(target.url, target.file.bytes, deps.token, signal, logger);
    if (!sent.ok) return sent;
  }

  const files = targets.map((t) => ({ id: t.id, title: t.file.title }));
  const [first, ...rest] = files;
  if (first === undefined) return { ok: true };
  const destination = to.threadTs === undefined ? { channel_id: to.channel } : { channel_id: to.channel, thread_ts: to.threadTs };
  const completed = await callSlack(
    'files.completeUploadExternal',
    () => client.files.completeUploadExternal({ files: [first, ...rest], ...destination }),
    signal,
    { sideEffect: true },
    logger,
  );
  if (completed.ok) return { ok: true };
  if (completed.failure.unknown) {
    logger.warn({ error: completed.failure.error }, 'files.completeUploadExternal failed ambiguously; not replayed');
    return { ok: false, error: MAYBE_SHARED };
  }
  return { ok: false, error: completed.failure.error };
}

/** POSTs raw bytes to an upload URL, retrying 5xx and network failures within the signal. */
async function postBytes(url: string, bytes: Buffer, token: string, signal: AbortSignal, logger: Logger): Promise<UploadResult> {
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) return { ok: false, error: 'the working timeout ran out before the files were uploaded' };
    let why: string;
    let retryable: boolean;
    const request = signalWithin(signal, UPLOAD_LIMITS.requestTimeoutMs);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: bytes,
        signal: request.signal,
      });
      await res.arrayBuffer(); // drain, so the connection can be reused
      if (res.ok) return { ok: true };
      why = `the upload answered HTTP ${res.status}`;
      retryable = res.status >= 500 || res.status === 429;
    } catch (err) {
      if (signal.aborted) return { ok: false, error: 'the working timeout ran out while the files were uploading' };
      why = `the upload failed (${describe(err)})`;
      retryable = true;
    } finally {
      request.done();
    }
    logger.warn({ attempt, why }, 'file upload failed');
    if (!retryable || attempt >= UPLOAD_LIMITS.retries) return { ok: false, error: why };
    if (!(await wait(UPLOAD_LIMITS.backoffMs * 2 ** attempt, signal))) {
      return { ok: false, error: `${why} and the working timeout ran out before Lookout could retry` };
    }
  }
}

/** Sleeps `ms`; false when the signal fired first. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** The socket code when there is one ("fetch failed" hides it in `cause`), else the message. */
function describe(err: unknown): string {
  // Duck-typed: fetch's errors are not this realm's Error under Jest's VM.
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}
