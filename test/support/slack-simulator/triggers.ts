// trigger_ids the simulator handed out with interactions. Slack lets an app use one once,
// within 3 s; views.open/push answer expired_trigger_id after that.
import type { Ids } from './ids.js';
import { SlackApiError } from './methods/context.js';

interface Issued {
  user: string;
  issuedAt: number;
  used: boolean;
}

export class Triggers {
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly ids: Ids,
    private readonly ttlMs: number,
  ) {}

  issue(user: string): string {
    const id = this.ids.trigger();
    this.issued.set(id, { user, issuedAt: Date.now(), used: false });
    return id;
  }

  /** The user the trigger belongs to; throws the error Slack would answer. */
  consume(triggerId: string): string {
    const trigger = this.issued.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (Date.now() - trigger.issuedAt > this.ttlMs) throw new SlackApiError('expired_trigger_id');
    if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
    trigger.used = true;
    return trigger.user;
  }

  /** Ages every trigger past its limit, to test expired_trigger_id without waiting. */
  expireAll(): void {
    for (const trigger of this.issued.values()) trigger.issuedAt = 0;
  }
}
