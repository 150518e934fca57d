// app.error and the handlers tell Slack's failures apart: platform error, rate limit, HTTP,
// network, or something of our own.
import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@slack/web-api';
import { describeSlackError, slackErrorCode } from '../../../src/slack/app.js';

describe('describeSlackError', () => {
  it('reads each kind of WebClient error', () => {
    expect(describeSlackError({ code: ErrorCode.PlatformError, data: { error: 'not_in_channel' } })).toEqual({ kind: 'platform', code: 'not_in_channel' });
    expect(describeSlackError({ code: ErrorCode.RateLimitedError, retryAfter: 3 })).toEqual({ kind: 'rate_limited', code: 'ratelimited', retryAfterS: 3 });
    expect(describeSlackError({ code: ErrorCode.HTTPError, statusCode: 503 })).toEqual({ kind: 'http', code: '503' });
    expect(describeSlackError({ code: ErrorCode.RequestError, original: { code: 'ECONNREFUSED' } })).toEqual({ kind: 'request', code: 'ECONNREFUSED' });
    expect(describeSlackError(new Error('ours'))).toEqual({ kind: 'other', code: 'unknown' });
    expect(describeSlackError(undefined)).toEqual({ kind: 'other', code: 'unknown' });
  });

  it('gives the platform code only for platform errors', () => {
    expect(slackErrorCode({ code: ErrorCode.PlatformError, data: { error: 'expired_trigger_id' } })).toBe('expired_trigger_id');
    expect(slackErrorCode({ code: ErrorCode.HTTPError, statusCode: 500 })).toBeNull();
  });
});
