// Which instances share the work. Each instance records a heartbeat in the store every few
// seconds and reads who else has; the scheduler turns the count into how many shard jobs this
// instance may hold at once, so the shards spread over the instances (DESIGN.md, issue 5/5).
// A killed instance stops heartbeating and ages out; a stopped one leaves at once.
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { InstanceStore } from '../store/port.js';

export interface MembershipOptions {
  store: InstanceStore;
  instance: string;
  clock: Clock;
  logger: Logger;
  /** How often to heartbeat and look (default 5 s). */
  intervalMs?: number;
  /** An instance not seen for this long counts as gone (default 20 s). */
  ttlMs?: number;
  /** Called with the live instances (this one always among them) whenever they change. */
  onChange(live: readonly string[]): void;
}

export interface Membership {
  /** The live instances as last seen, this one included. */
  live(): readonly string[];
  /** Heartbeats and looks now (also done on the interval). Never throws. */
  refresh(): Promise<void>;
  /** Stops heartbeating and leaves, so the others take this one's share at once. */
  stop(): Promise<void>;
}

export const HEARTBEAT_INTERVAL_MS = 5_000;
export const INSTANCE_TTL_MS = 20_000;

export async function startMembership(options: MembershipOptions): Promise<Membership> {
  const { store, instance, clock, logger } = options;
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const ttlMs = options.ttlMs ?? INSTANCE_TTL_MS;
  let live: readonly string[] = [instance];
  let failing = false;

  async function refresh(): Promise<void> {
    try {
      const now = clock();
      await store.heartbeat(instance, now);
      const seen = await store.liveInstances(new Date(now.getTime() - ttlMs));
      const next = seen.includes(instance) ? seen : [...seen, instance].sort();
      if (failing) logger.info('instance heartbeats work again');
      failing = false;
      if (next.join('\n') !== live.join('\n')) {
        logger.info({ instances: next }, 'instances sharing the work changed');
        live = next;
        options.onChange(live);
      }
    } catch (err) {
      // The store is down: keep the last view; claims keep every tick exactly-once meanwhile.
      if (!failing) logger.warn({ err }, 'instance heartbeat failed; keeping the last known instances');
      failing = true;
    }
  }

  await refresh();
  options.onChange(live);
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();

  return {
    live: () => live,
    refresh,
    async stop() {
      clearInterval(timer);
      await store.leave(instance).catch((err: unknown) => logger.warn({ err }, 'could not remove this instance from the store'));
    },
  };
}

/** How many shard jobs one of `instances` may hold at once: an even share, rounded up. */
export function shardShare(shards: number, instances: number): number {
  return Math.ceil(shards / Math.max(1, instances));
}
