// Slack's pace for chat.postMessage: about one message a second per channel, with short bursts
// over that allowed; faster posting is answered HTTP 429 with Retry-After (seconds), and nothing
// is posted (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages"). A token bucket
// per channel: `burst` posts at once, refilled at `perSecond`.

export interface PaceOptions {
  /** Posts per second per channel, refilled continuously (Slack: about 1). */
  perSecond: number;
  /** Posts a quiet channel takes at once (Slack allows short bursts). */
  burst: number;
}

export const SLACK_POST_PACE: PaceOptions = { perSecond: 1, burst: 3 };

interface Bucket {
  tokens: number;
  at: number;
}

export class ChannelPace {
  private buckets = new Map<string, Bucket>();
  private options: PaceOptions | null;

  constructor(options: PaceOptions | null = SLACK_POST_PACE) {
    this.options = options;
  }

  /** Another pace from now on; null lets every post through. */
  set(options: PaceOptions | null): void {
    this.options = options;
    this.buckets.clear();
  }

  get current(): PaceOptions | null {
    return this.options;
  }

  /** Takes a post for `channel` at `now` (ms): null when it may go, else the Retry-After seconds. */
  take(channel: string, now: number): number | null {
    const pace = this.options;
    if (pace === null) return null;
    const bucket = this.buckets.get(channel) ?? { tokens: pace.burst, at: now };
    bucket.tokens = Math.min(pace.burst, bucket.tokens + ((now - bucket.at) / 1000) * pace.perSecond);
    bucket.at = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    // Slack sends whole seconds; one that rounds to 0 would invite an immediate retry.
    return Math.max(1, Math.ceil((1 - bucket.tokens) / pace.perSecond));
  }
}
