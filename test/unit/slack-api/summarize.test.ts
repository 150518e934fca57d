// app.error and the handlers tell Slack's failures apart: platform error, rate limit, HTTP,
// network, or something of our own.
import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@slack/web-api';
import { slackErrorCode, summarizeSlackError } from '../../../src/slack-api/slack-errors.js';

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
