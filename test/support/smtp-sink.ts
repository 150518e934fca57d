// A real SMTP server (smtp-server) on 127.0.0.1 that keeps every message it receives, parsed
// with mailparser, for tests and the demo. No TLS and no login, like a local relay; listed
// recipients are refused at RCPT with 550; `stallData` takes a message's content and never
// answers, to leave a sender not knowing whether its mail arrived.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSinkOptions {
  /** Addresses refused at RCPT TO with "550 5.1.1 <address>: no such user". */
  rejectRecipients?: string[];
  /** Read each message's content, then never reply to it. */
  stallData?: boolean;
}

export interface SmtpSink {
  /** smtp://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Every message received so far, in order. */
  messages: ParsedMail[];
  /** All messages once there are at least `n`; rejects after `timeoutMs`. */
  waitForMessages(n: number, timeoutMs: number): Promise<ParsedMail[]>;
  /** Resolves once the content of at least `n` messages has started to arrive; rejects after `timeoutMs`. */
  waitForData(n: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const rejected = new Set((options.rejectRecipients ?? []).map((a) => a.toLowerCase()));
  const messages: ParsedMail[] = [];
  let dataStarts = 0;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    // A stalled session would otherwise hold close() for 30 s.
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      if (!rejected.has(address.address.toLowerCase())) return callback();
      callback(Object.assign(new Error(`5.1.1 <${address.address}>: no such user`), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.once('data', () => {
        dataStarts += 1;
        wake();
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => {
        if (options.stallData) return;
        simpleParser(Buffer.concat(chunks), { keepCidLinks: true }).then(
          (mail) => {
            messages.push(mail);
            wake();
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  function waitFor<T>(ready: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`SMTP sink: ${what()} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitForMessages: (n, timeoutMs) =>
      waitFor(() => (messages.length >= n ? [...messages] : undefined), timeoutMs, () => `expected ${n} messages, got ${messages.length}`),
    waitForData: async (n, timeoutMs) => {
      await waitFor(() => (dataStarts >= n ? true : undefined), timeoutMs, () => `expected content of ${n} messages, got ${dataStarts}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
