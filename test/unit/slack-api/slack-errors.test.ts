// Every Slack error code Lookout knows has a sentence a person can act on, and every error
// shape WebClient throws is sorted into what the delivery must do next; app.error and the
// handlers tell Slack's failures apart (platform error, rate limit, HTTP, network, our own).
import { describe, expect, it } from '@jest/globals';
import {
  ErrorCode,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { classifySlackError, slackErrorCode, slackErrorInfo, SLACK_ERRORS, summarizeSlackError } from '../../../src/slack-api/slack-errors.js';

const platform = (error: string, extra: Record<string, unknown> = {}): WebAPIPlatformError =>
  new WebAPIPlatformError({ ok: false, error, ...extra });

const REQUIRED = [
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'missing_scope',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'account_inactive',
  'ratelimited',
  'msg_too_long',
  'msg_blocks_too_long',
  'invalid_blocks',
  'user_not_found',
  'cannot_dm_bot',
  'restricted_action',
  'team_access_not_granted',
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
];

describe('SLACK_ERRORS', () => {
  it('has every code Lookout must explain', () => {
    for (const code of REQUIRED) expect(SLACK_ERRORS[code]).toBeDefined();
  });

  it.each(Object.entries(SLACK_ERRORS))('%s has a sentence people can act on', (code, info) => {
    const described = slackErrorInfo(code, { needed: 'im:write' });
    expect(info.message.trim().length).toBeGreaterThan(20);
    expect(described.message).not.toMatch(/\{needed\}/);
    expect(described.retryable).toBe(info.retryable);
    // Nothing retryable may also be ambiguous: retrying after "maybe done" duplicates.
    expect(info.retryable && info.ambiguous === true).toBe(false);
    // Classified as Slack would send it: the same sentence (ratelimited is a wait instead).
    const cls = classifySlackError(platform(code, { needed: 'im:write' }));
    if (code === 'ratelimited') {
      expect(cls).toEqual({ kind: 'rate_limited', retryAfterS: 1 });
    } else {
      expect(cls).toEqual({ kind: 'platform', code, retryable: info.retryable, ambiguous: info.ambiguous ?? false, message: described.message });
    }
  });

  it('says what to do for the common ones', () => {
    expect(SLACK_ERRORS.not_in_channel?.message).toContain('/invite @Lookout');
    for (const code of ['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive']) {
      expect(SLACK_ERRORS[code]?.message).toContain('SLACK_BOT_TOKEN');
    }
    expect(SLACK_ERRORS.channel_not_found?.message).toMatch(/deleted/);
    expect(SLACK_ERRORS.service_unavailable?.retryable).toBe(true);
    expect(SLACK_ERRORS.internal_error?.ambiguous).toBe(true);
  });

  it('names the missing scope from the response', () => {
    expect(slackErrorInfo('missing_scope', { needed: 'chat:write' }).message).toContain('chat:write');
    const cls = classifySlackError(platform('missing_scope', { needed: 'im:write', provided: 'chat:write' }));
    expect(cls.kind === 'platform' && cls.message).toContain('im:write');
    // Without `needed`, still a sentence.
    expect(slackErrorInfo('missing_scope').message).not.toContain('{needed}');
  });

  it('has a generic sentence for codes it does not know', () => {
    const cls = classifySlackError(platform('some_new_error'));
    expect(cls).toMatchObject({ kind: 'platform', code: 'some_new_error', retryable: false, ambiguous: false });
    expect(cls.kind === 'platform' && cls.message).toContain('some_new_error');
  });
});

describe('classifySlackError', () => {
  it('carries Retry-After from a 429', () => {
    expect(classifySlackError(new WebAPIRateLimitedError(30))).toEqual({ kind: 'rate_limited', retryAfterS: 30 });
  });

  it('carries Retry-After from a ratelimited platform error', () => {
    const err = platform('ratelimited', { response_metadata: { retryAfter: 7 } });
    expect(classifySlackError(err)).toEqual({ kind: 'rate_limited', retryAfterS: 7 });
  });

  it('treats a 5xx as ambiguous and a 4xx as refused', () => {
    expect(classifySlackError(new WebAPIHTTPError(500, 'Internal Server Error', {}, 'oops'))).toEqual({
      kind: 'http',
      status: 500,
      ambiguous: true,
      message: 'Slack answered HTTP 500 (Internal Server Error)',
    });
    expect(classifySlackError(new WebAPIHTTPError(503, '', {}))).toMatchObject({ kind: 'http', status: 503, ambiguous: true });
    expect(classifySlackError(new WebAPIHTTPError(404, 'Not Found', {}))).toMatchObject({ kind: 'http', status: 404, ambiguous: false });
  });

  it('knows a refused connection sent nothing', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect' });
    const err = new WebAPIRequestError(new TypeError('fetch failed', { cause: refused }));
    const cls = classifySlackError(err);
    expect(cls).toMatchObject({ kind: 'network', sent: false });
    expect(cls.kind === 'network' && cls.message).toContain('ECONNREFUSED');
  });

  it('looks inside an AggregateError (several addresses tried)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' });
    const aggregate = new AggregateError([refused], 'all failed');
    const err = new WebAPIRequestError(new TypeError('fetch failed', { cause: aggregate }));
    expect(classifySlackError(err)).toMatchObject({ kind: 'network', sent: false });
  });

  it('treats DNS failures as not sent', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND slack.com'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    expect(classifySlackError(new WebAPIRequestError(new TypeError('fetch failed', { cause: dns })))).toMatchObject({ kind: 'network', sent: false });
  });

  it('treats a reset or a timeout as possibly sent', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    expect(classifySlackError(new WebAPIRequestError(new TypeError('fetch failed', { cause: reset })))).toMatchObject({ kind: 'network', sent: true });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifySlackError(new WebAPIRequestError(timeout as unknown as Error))).toEqual({
      kind: 'network',
      sent: true,
      message: 'Slack did not answer in time',
    });
  });

  it('treats anything else as possibly sent', () => {
    expect(classifySlackError(new Error('weird'))).toMatchObject({ kind: 'network', sent: true });
    expect(classifySlackError('a string')).toMatchObject({ kind: 'network', sent: true });
    expect(classifySlackError(undefined)).toMatchObject({ kind: 'network', sent: true });
  });

  it('reads a 429 without a usable Retry-After as a short wait', () => {
    const err = new Error('Retry header did not contain a valid timeout (url: x, retry-after header: soon)');
    expect(classifySlackError(err)).toEqual({ kind: 'rate_limited', retryAfterS: 1 });
  });
});

describe('summarizeSlackError', () => {
  it('reads each kind of WebClient error', () => {
    expect(summarizeSlackError({ code: ErrorCode.PlatformError, data: { error: 'not_in_channel' } })).toEqual({ kind: 'platform', code: 'not_in_channel' });
    expect(summarizeSlackError({ code: ErrorCode.RateLimitedError, retryAfter: 3 })).toEqual({ kind: 'rate_limited', code: 'ratelimited' });
    expect(summarizeSlackError({ code: ErrorCode.HTTPError, statusCode: 503 })).toEqual({ kind: 'http', code: '503' });
    expect(summarizeSlackError({ code: ErrorCode.RequestError, original: { code: 'ECONNREFUSED' } })).toEqual({ kind: 'network', code: 'ECONNREFUSED' });
    expect(summarizeSlackError(new Error('ours'))).toEqual({ kind: 'other', code: 'unknown' });
    expect(summarizeSlackError(undefined)).toEqual({ kind: 'other', code: 'unknown' });
  });

  it('gives the platform code only for platform errors', () => {
    expect(slackErrorCode({ code: ErrorCode.PlatformError, data: { error: 'expired_trigger_id' } })).toBe('expired_trigger_id');
    expect(slackErrorCode({ code: ErrorCode.HTTPError, statusCode: 500 })).toBeNull();
  });
});
