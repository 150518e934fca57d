// From the sentence a failed delivery keeps to its cause and what to do: every sentence of the
// Slack error table (as the classifier gives it) is told back to its code, the other shapes
// deliveries write are recognised, and the advice names the destination where it can.
import { describe, expect, it } from '@jest/globals';
import { WebAPIPlatformError } from '@slack/web-api';
import { causeLabel, deliveryAdvice, recognizeDeliveryError, UNKNOWN_ADVICE, type DeliveryCause } from '../../../src/messages/delivery-advice.js';
import { plainInlines } from '../../../src/messages/document.js';
import { parseRecipientKey } from '../../../src/messages/recipient-ref.js';
import { classifySlackError, SLACK_ERRORS, slackErrorInfo } from '../../../src/slack-api/slack-errors.js';

/** What a Slack delivery records for Slack's `code`: the classifier's sentence (slack-api/call.ts). */
function recorded(code: string, data: Record<string, unknown> = {}): string {
  const cls = classifySlackError(new WebAPIPlatformError({ ok: false, error: code, ...data }));
  if (cls.kind === 'platform') return cls.message;
  if (cls.kind === 'rate_limited') return slackErrorInfo('ratelimited').message;
  throw new Error(`not a platform error: ${code}`);
}

const ALERT = { id: '2f1c7a52-6a38-4bd4-9d8e-1c0a2b3c4d5e', name: 'Daily revenue' };
const OPS = parseRecipientKey('channel:C0OPS');
const ANA = parseRecipientKey('user:U0ANA');
const MAIL = parseRecipientKey('email:ana@example.com');
const advice = (error: string, recipient = OPS): string => plainInlines(deliveryAdvice(recognizeDeliveryError(error), recipient, ALERT));

describe('recognizeDeliveryError', () => {
  it.each(Object.keys(SLACK_ERRORS))('tells %s back from the sentence it was recorded as, with what the callers add after it', (code) => {
    for (const suffix of ['', ' The working timeout ran out before Lookout could retry.', ' (after 2 of 5 messages)', '; the email fallback failed too: boom']) {
      const cause = recognizeDeliveryError(`${recorded(code)}${suffix}`);
      expect(cause.kind).toBe('slack');
      expect(cause.kind === 'slack' && cause.codes).toContain(code);
    }
  });

  it('labels a code by itself, and codes that share one sentence as one of them', () => {
    expect(causeLabel(recognizeDeliveryError(recorded('not_in_channel')))).toBe('not_in_channel');
    expect(causeLabel(recognizeDeliveryError(recorded('account_inactive')))).toBe('one of invalid_auth, not_authed, token_revoked, token_expired, account_inactive');
  });

  it('keeps the scope Slack named for missing_scope, and says none when it named none', () => {
    const named = recognizeDeliveryError(recorded('missing_scope', { needed: 'chat:write' }));
    expect(named).toEqual({ kind: 'slack', codes: ['missing_scope'], scope: 'chat:write' });
    expect(causeLabel(named)).toBe('missing_scope (chat:write)');
    expect(advice(recorded('missing_scope', { needed: 'chat:write' }))).toContain('lacks the chat:write scope');
    expect(recognizeDeliveryError(recorded('missing_scope'))).toEqual({ kind: 'slack', codes: ['missing_scope'], scope: null });
  });

  it('takes a code the table lacks from the sentence that names it', () => {
    const cause = recognizeDeliveryError(recorded('frobnicated_channel'));
    expect(cause).toEqual({ kind: 'slack_other', code: 'frobnicated_channel' });
    expect(causeLabel(cause)).toBe('frobnicated_channel');
  });

  // The sentences of slack-api/call.ts, delivery/email, delivery/routing and the send step.
  const shapes: [string, DeliveryCause['kind']][] = [
    ['Slack rate-limited Lookout and the working timeout ran out before it could retry', 'slack'],
    ['Slack answered HTTP 503 (Service Unavailable) and the working timeout ran out before Lookout could retry.', 'slack_http'],
    ['Lookout could not connect to Slack (ECONNREFUSED); nothing was sent. Check the network (or proxy) between Lookout and slack.com.', 'slack_unreachable'],
    ['the connection to Slack failed mid-request (ECONNRESET).', 'slack_network'],
    ['the working timeout ran out before Lookout could call Slack (chat.postMessage)', 'timeout'],
    ['the working timeout ran out before the email was sent; nothing was sent', 'timeout'],
    ['the mail server refused nobody@example.com: 550 5.1.1 <nobody@example.com>: no such user', 'smtp_mailbox'],
    ['the mail server refused the sender (EMAIL_FROM): 553 sender rejected', 'smtp_sender'],
    ["the mail server at mail.example.com:587 refused Lookout's login (535 5.7.8 bad credentials); check the user and password in SMTP_URL; nothing was sent", 'smtp_login'],
    ['the mail server at mail.example.com:587 could not log Lookout in (EAUTH); check the user and password in SMTP_URL; nothing was sent', 'smtp_login'],
    ['TLS with the mail server at mail.example.com:465 failed (ETLS); check smtp:// versus smtps:// and the port in SMTP_URL; nothing was sent', 'smtp_tls'],
    ['the mail server at mail.example.com:587 refused the message: 552 message too big', 'smtp_refused'],
    ['the mail server at 127.0.0.1:2525 could not be reached (ECONNREFUSED); nothing was sent', 'smtp_unreachable'],
    ['the connection to the mail server at 127.0.0.1:2525 failed before the message was sent (ECONNRESET); nothing was sent', 'smtp_connection'],
    ['"ana" is not an email address Lookout can send to', 'bad_address'],
    ['email is not set up on this Lookout (SMTP_URL is not set)', 'not_set_up'],
    ['Lookout could not build the Slack message (a bug); the Lookout log has the details', 'bug'],
    ['unexpected delivery failure', 'bug'],
    ['the sky fell', 'unknown'],
  ];
  it.each(shapes)('%s → %s', (error, kind) => {
    expect(recognizeDeliveryError(error).kind).toBe(kind);
  });
});

describe('deliveryAdvice', () => {
  // What to do, by Slack code and destination: the brief's cases first.
  const slack: [string, ReturnType<typeof parseRecipientKey>, string][] = [
    ['not_in_channel', OPS, '/invite @Lookout in C0OPS'],
    ['channel_not_found', OPS, 'the channel was deleted, or it is private and Lookout is not in it: /invite @Lookout in it, or change the recipients (/alert edit "Daily revenue").'],
    ['is_archived', OPS, 'unarchive C0OPS or change the recipients (/alert edit "Daily revenue").'],
    ['cannot_dm_bot', ANA, 'U0ANA is a bot, and bots get no direct messages: send to a person or a channel instead (/alert edit "Daily revenue").'],
    ['user_not_found', ANA, 'U0ANA was not found (deactivated, or from another workspace): change the recipients (/alert edit "Daily revenue").'],
    ['account_inactive', OPS, SLACK_ERRORS.account_inactive?.message ?? ''],
    ['ratelimited', OPS, 'the next run tries again; if it keeps happening, spread out the schedules of alerts that post at the same minute.'],
    ['msg_too_long', OPS, SLACK_ERRORS.msg_too_long?.message ?? ''],
    ['invalid_blocks', OPS, SLACK_ERRORS.invalid_blocks?.message ?? ''],
    ['restricted_action', OPS, SLACK_ERRORS.restricted_action?.message ?? ''],
  ];
  it.each(slack)('%s for %j', (code, recipient, expected) => {
    expect(advice(recorded(code), recipient)).toBe(expected);
  });

  it('marks the invite as a command and the channel as a channel, so Slack shows #ops', () => {
    expect(deliveryAdvice(recognizeDeliveryError(recorded('not_in_channel')), OPS, ALERT)).toEqual([{ code: '/invite @Lookout' }, ' in ', { channel: 'C0OPS' }]);
  });

  it('gives every code of the table some advice, and an unknown one the honest sentence', () => {
    for (const code of Object.keys(SLACK_ERRORS)) expect(advice(recorded(code)).length).toBeGreaterThan(20);
    expect(deliveryAdvice(recognizeDeliveryError('the sky fell'), OPS, ALERT)).toEqual(UNKNOWN_ADVICE);
    expect(plainInlines(UNKNOWN_ADVICE)).toBe('Lookout has no advice for this error: the Lookout log has the details. If it keeps failing, a Lookout admin can run /alert doctor.');
  });

  it('says what to do about the mail server', () => {
    expect(advice('the mail server refused ana@example.com: 550 5.1.1 no such user', MAIL)).toBe(
      'check the address ana@example.com (the mail server’s reply says why it was refused); if it is wrong, change the recipients (/alert edit "Daily revenue").',
    );
    expect(advice("the mail server at m:587 refused Lookout's login (535 no)", MAIL)).toBe('a Lookout admin must fix the user and password in SMTP_URL.');
    expect(advice('the mail server at m:587 could not be reached (ECONNREFUSED)', MAIL)).toBe('a Lookout admin must check the host and port in SMTP_URL and the network to the mail server (/alert doctor).');
    expect(advice('email is not set up on this Lookout (SMTP_URL is not set)', MAIL)).toBe('a Lookout admin must set SMTP_URL, or change the recipients (/alert edit "Daily revenue").');
  });
});
