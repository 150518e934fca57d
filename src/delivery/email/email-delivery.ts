// The delivery port over SMTP (nodemailer): one mail per email recipient, the first image
// inline (cid) and the CSV attached byte for byte. Failures become sentences that say whether
// anything may have gone out: before the server has the message's content nothing was sent;
// once nodemailer streams it (only after the server answers DATA with 354) a broken connection
// or the working timeout leaves the outcome unknown, while a 4xx/5xx reply is a definite no.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import { ConfigError } from '../../errors.js';
import { recipientKey, type Recipient } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import { composeMessage } from '../../messages/compose.js';
import { renderEmail, type EmailContent } from '../../messages/email/render-email.js';
import { showsContent, threadOf, type OutgoingMessage } from '../../messages/outgoing.js';
import type { Delivery, DeliveryOutcome } from '../../services/delivery-port.js';

export interface EmailTimeouts {
  /** Milliseconds to open the TCP connection. */
  connectionTimeout: number;
  /** Milliseconds to wait for the server's greeting once connected. */
  greetingTimeout: number;
  /** Milliseconds of silence allowed on an open connection. */
  socketTimeout: number;
}

export interface EmailDeliveryOptions {
  /** smtp:// or smtps://, with user and password when the server wants a login. */
  smtpUrl: string;
  /** The From header, e.g. "Lookout <lookout@example.com>". */
  from: string;
  logger: Logger;
  timeouts?: Partial<EmailTimeouts>;
}

export interface EmailDelivery extends Delivery {
  /** Connects (and logs in) without sending, for `/alert doctor`; never throws. */
  check(): Promise<{ ok: boolean; detail: string }>;
  /** Releases the transport; sends in flight finish or fail on their own. */
  close(): void;
}

/** Far below nodemailer's own (2 min, 30 s, 10 min): an execution has a working timeout to keep. */
export const DEFAULT_EMAIL_TIMEOUTS: EmailTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

// One plain address: a comma or angle bracket would let one recipient become several.
const PLAIN_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;
// A reference that can be threaded under (In-Reply-To): one of our own Message-IDs.
const MESSAGE_ID = /^<[^<>\s]+@[^<>\s]+>$/;

export function createEmailDelivery(options: EmailDeliveryOptions): EmailDelivery {
  const server = serverOf(options.smtpUrl);
  const timeouts = { ...DEFAULT_EMAIL_TIMEOUTS, ...options.timeouts };
  const baseLogger = options.logger.child({ module: 'email-delivery' });
  // The timeouts go in the configuration object: createTransport's second argument is
  // per-message defaults, where connection settings would be silently ignored.
  const transport = nodemailer.createTransport({ url: options.smtpUrl, ...timeouts });
  const messageIdDomain = /@([^\s<>@]+)>?\s*$/.exec(options.from)?.[1] ?? 'lookout.invalid';
  /** Called when nodemailer starts streaming a message's content, keyed by Message-ID. */
  const contentStarts = new Map<string, () => void>();

  transport.use('stream', (mail, done) => {
    const onStart = typeof mail.data.messageId === 'string' ? contentStarts.get(mail.data.messageId) : undefined;
    if (onStart) mail.message.processFunc((input) => notifyOnFirstRead(input, onStart));
    done();
  });

  async function send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const logger = baseLogger.child({ recipient: recipientKey(recipient), alertId: message.alert.id, executionId: message.executionId, kind: message.kind });
    if (recipient.kind !== 'email') return { ok: false, unknown: false, error: 'the email delivery sends only to email addresses' };
    const address = recipient.address.trim();
    if (!PLAIN_ADDRESS.test(address)) return { ok: false, unknown: false, error: `"${address}" is not an email address Lookout can send to` };
    if (signal.aborted) return { ok: false, unknown: false, error: 'the working timeout ran out before the email was sent; nothing was sent' };

    let email: EmailContent;
    try {
      // Only content messages carry files: a notice or a recovery never does.
      email = renderEmail(composeMessage(message), { attachments: showsContent(message) ? message.attachments : [], executionId: message.executionId });
    } catch (err) {
      logger.error({ err }, 'could not build the email');
      return { ok: false, unknown: false, error: 'Lookout could not build the email (a bug); the Lookout log has the details' };
    }

    const messageId = `<${randomUUID()}@${messageIdDomain}>`;
    let contentStarted = false;
    contentStarts.set(messageId, () => {
      contentStarted = true;
    });
    const ref = threadOf(message);
    const thread = ref !== null && MESSAGE_ID.test(ref) ? ref : undefined;
    try {
      const info = await transport.sendMail({
        from: options.from,
        to: address,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId,
        ...(thread ? { inReplyTo: thread, references: thread } : {}),
        // RFC 3834: out-of-office replies and the like are not sent back to a bot.
        headers: { 'Auto-Submitted': 'auto-generated' },
        attachments: email.attachments.map((a) => ({
          ...a,
          // base64 keeps the bytes exact: text parts would otherwise have their line ends rewritten.
          contentTransferEncoding: 'base64',
          ...(a.cid ? { contentDisposition: 'inline' } : {}),
        })),
        signal,
      });
      logger.info({ messageId: info.messageId }, 'email sent');
      return { ok: true, ref: info.messageId, note: null };
    } catch (err) {
      const failure = describeSmtpFailure(err, { where: server.where, address, contentStarted, aborted: signal.aborted });
      logFailure(logger, err, failure, contentStarted);
      const error = failure.nothingSent ? `${failure.reason}; nothing was sent` : failure.reason;
      return { ok: false, unknown: failure.unknown, error: redact(error, server.password) };
    } finally {
      contentStarts.delete(messageId);
    }
  }

  async function check(): Promise<{ ok: boolean; detail: string }> {
    try {
      await transport.verify();
      return { ok: true, detail: `the mail server at ${server.where} answered${server.password !== null ? ' and accepted the login' : ''}` };
    } catch (err) {
      const failure = describeSmtpFailure(err, { where: server.where, address: null, contentStarted: false, aborted: false });
      logFailure(baseLogger, err, failure, false);
      return { ok: false, detail: redact(failure.reason, server.password) };
    }
  }

  return {
    send,
    check,
    close() {
      transport.close();
    },
  };
}

/** Where the server is, as shown in errors: host and port, never the user or password. */
function serverOf(smtpUrl: string): { where: string; password: string | null } {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new ConfigError('SMTP_URL', 'is not a URL (e.g. smtp://user:pass@mail.example.com:587)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  // nodemailer's defaults when the URL names no port.
  const port = url.port !== '' ? url.port : url.protocol === 'smtps:' ? '465' : '587';
  return { where: `${url.hostname}:${port}`, password: url.password !== '' ? decodeURIComponent(url.password) : null };
}

/**
 * Passes the message through, calling `onStart` when it is first read. nodemailer pipes the
 * message to the socket only once the server has accepted DATA, so before this nothing of the
 * message has left Lookout.
 */
function notifyOnFirstRead(input: Readable, onStart: () => void): Readable {
  let started = false;
  const output = new Readable({
    read() {
      if (started) {
        input.resume();
        return;
      }
      started = true;
      onStart();
      input.on('data', (chunk: Buffer) => {
        if (!output.push(chunk)) input.pause();
      });
      input.once('end', () => output.push(null));
    },
    destroy(err, callback) {
      input.destroy();
      callback(err);
    },
  });
  input.once('error', (err) => output.destroy(err));
  return output;
}

interface FailureContext {
  where: string;
  /** The recipient, when sending. */
  address: string | null;
  /** Whether nodemailer had started streaming the message's content. */
  contentStarted: boolean;
  aborted: boolean;
}

interface SmtpFailure {
  reason: string;
  unknown: boolean;
  /** The failure came before the server had any of the message. */
  nothingSent: boolean;
}

/** The fields nodemailer sets on its errors (NodemailerError), read defensively. */
interface SmtpError {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
  rejectedErrors?: { response?: string }[];
}

/** System codes meaning the server was never reached (nodemailer keeps them as originalCode). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
/** Longest server reply quoted in an error. */
const REPLY_CHARS = 300;

function describeSmtpFailure(err: unknown, ctx: FailureContext): SmtpFailure {
  const e: SmtpError = typeof err === 'object' && err !== null ? (err as SmtpError) : {};
  const cause = e.originalCode ?? e.code ?? 'unknown error';
  const { where } = ctx;
  if (e.code === 'EABORT' || ctx.aborted) {
    return ctx.contentStarted
      ? { unknown: true, nothingSent: false, reason: 'the working timeout ran out while the mail server was receiving the message; it may or may not arrive' }
      : { unknown: false, nothingSent: true, reason: 'the working timeout ran out before the mail server had the message' };
  }
  // A 4xx/5xx reply is a definite no, even to the message's content: only 250 accepts it.
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
    const reply = quote(e.response);
    const command = e.command ?? '';
    if (command === 'RCPT TO') {
      return { unknown: false, nothingSent: false, reason: `the mail server refused ${ctx.address ?? 'the recipient'}: ${quote(e.rejectedErrors?.[0]?.response ?? e.response)}` };
    }
    if (command === 'MAIL FROM') return { unknown: false, nothingSent: false, reason: `the mail server refused the sender (EMAIL_FROM): ${reply}` };
    if (command.startsWith('AUTH')) {
      return { unknown: false, nothingSent: true, reason: `the mail server at ${where} refused Lookout's login (${reply}); check the user and password in SMTP_URL` };
    }
    return { unknown: false, nothingSent: false, reason: `the mail server at ${where} refused the message: ${reply}` };
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return { unknown: false, nothingSent: true, reason: `the mail server at ${where} could not log Lookout in (${e.code}); check the user and password in SMTP_URL` };
  }
  if (e.code === 'ETLS' || e.code === 'EREQUIRETLS') {
    return { unknown: false, nothingSent: true, reason: `TLS with the mail server at ${where} failed (${cause}); check smtp:// versus smtps:// and the port in SMTP_URL` };
  }
  if (ctx.contentStarted) {
    const what = e.code === 'ETIMEDOUT' ? 'stopped answering' : 'dropped the connection';
    return { unknown: true, nothingSent: false, reason: `the mail server at ${where} ${what} while it was receiving the message (${cause}); it may or may not arrive` };
  }
  if (e.code === 'EDNS' || UNREACHABLE.has(cause) || e.timeoutType === 'CONNECT_TIMEOUT' || e.timeoutType === 'GREETING_TIMEOUT') {
    return { unknown: false, nothingSent: true, reason: `the mail server at ${where} could not be reached (${cause})` };
  }
  return { unknown: false, nothingSent: true, reason: `the connection to the mail server at ${where} failed before the message was sent (${cause})` };
}

function quote(reply: string | undefined): string {
  const text = (reply ?? '').replace(/\s+/g, ' ').trim();
  if (text === '') return 'no reason given';
  return text.length > REPLY_CHARS ? `${text.slice(0, REPLY_CHARS - 1)}…` : text;
}

/** Belt and braces: a server could echo anything, and the URL's password must never be shown. */
function redact(text: string, password: string | null): string {
  if (password === null || password === '') return text;
  return text.split(password).join('[password]').split(encodeURIComponent(password)).join('[password]');
}

function logFailure(logger: Logger, err: unknown, failure: SmtpFailure, contentStarted: boolean): void {
  // Codes only: a server's reply can quote addresses, and the URL holds the password.
  const e = (err ?? {}) as { code?: unknown; originalCode?: unknown; responseCode?: unknown; command?: unknown; timeoutType?: unknown };
  logger.warn(
    { code: e.code, originalCode: e.originalCode, responseCode: e.responseCode, command: e.command, timeoutType: e.timeoutType, contentStarted, unknown: failure.unknown },
    'email failed',
  );
}
