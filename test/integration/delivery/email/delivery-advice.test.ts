// The advice reads the sentences the real email delivery writes: a refused mailbox, a refused
// login, a server nobody answers on, an address that is not one, and the working timeout, each
// sent through nodemailer to a real SMTP server on 127.0.0.1 and told back to its cause.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createEmailDelivery, type EmailDelivery } from '../../../../src/delivery/email/email-delivery.js';
import type { Recipient } from '../../../../src/domain/types.js';
import { silentLogger } from '../../../../src/logger.js';
import { deliveryAdvice, recognizeDeliveryError } from '../../../../src/messages/delivery-advice.js';
import { plainInlines } from '../../../../src/messages/document.js';
import { parseRecipientKey } from '../../../../src/messages/recipient-ref.js';
import { freePort } from '../../../support/ports.js';
import { makeAlert, makeMessage } from '../../../support/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../../../support/smtp-sink.js';

const alert = makeAlert({ name: 'Daily revenue' });
const opened: EmailDelivery[] = [];
function delivery(smtpUrl: string): EmailDelivery {
  const created = createEmailDelivery({ smtpUrl, from: 'Lookout <lookout@example.com>', logger: silentLogger() });
  opened.push(created);
  return created;
}

/** Sends a firing message and returns the failure's sentence. */
async function failure(smtpUrl: string, address: string, signal: AbortSignal = AbortSignal.timeout(20_000)): Promise<string> {
  const recipient: Recipient = { kind: 'email', address };
  const outcome = await delivery(smtpUrl).send(recipient, makeMessage('firing', { alert }), signal);
  if (outcome.ok) throw new Error('the email went out');
  return outcome.error;
}

const adviceFor = (error: string, address: string): string => plainInlines(deliveryAdvice(recognizeDeliveryError(error), parseRecipientKey(`email:${address}`), alert));

let sink: SmtpSink;
/** Asks for a login and refuses every one. */
let locked: SMTPServer;
let lockedPort: number;
beforeAll(async () => {
  sink = await startSmtpSink({ rejectRecipients: ['nobody@example.com'] });
  locked = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onAuth: (_auth, _session, callback) => callback(new Error('5.7.8 bad credentials')),
  });
  await new Promise<void>((resolve) => locked.listen(0, '127.0.0.1', resolve));
  lockedPort = (locked.server.address() as AddressInfo).port;
});
afterAll(async () => {
  opened.forEach((d) => d.close());
  await sink?.close();
  await new Promise<void>((resolve) => (locked ? locked.close(() => resolve()) : resolve()));
});

describe('advice on what the email delivery says', () => {
  it('a mailbox the server refuses → check the address, change the recipients', async () => {
    const error = await failure(sink.url, 'nobody@example.com');
    expect(recognizeDeliveryError(error).kind).toBe('smtp_mailbox');
    expect(adviceFor(error, 'nobody@example.com')).toMatch(/^check the address nobody@example.com .* change the recipients \(\/alert edit "Daily revenue"\)\.$/);
  });

  it('a login the server refuses → an admin fixes SMTP_URL', async () => {
    const error = await failure(`smtp://lookout:wrong@127.0.0.1:${lockedPort}`, 'ops@example.com');
    expect(recognizeDeliveryError(error).kind).toBe('smtp_login');
    expect(adviceFor(error, 'ops@example.com')).toBe('a Lookout admin must fix the user and password in SMTP_URL.');
  });

  it('a server nobody answers on → an admin checks the host and port', async () => {
    const error = await failure(`smtp://127.0.0.1:${await freePort()}`, 'ops@example.com');
    expect(recognizeDeliveryError(error).kind).toBe('smtp_unreachable');
  });

  it('an address that is not one, and the working timeout', async () => {
    expect(recognizeDeliveryError(await failure(sink.url, 'ops at example')).kind).toBe('bad_address');
    expect(recognizeDeliveryError(await failure(sink.url, 'ops@example.com', AbortSignal.abort())).kind).toBe('timeout');
  });
});
