// Two Lookout instances with real Agenda on one store: every tick of 200 alerts due at the
// same minute is evaluated and sent exactly once, and the shards spread over both instances.
// Waits for one real minute boundary. Shared
// by the PostgreSQL and MongoDB test files, which each hand in a fresh database.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeConfig, type Config, dataSourceConfig } from '../../src/config.js';
import { createRecordingDelivery, type RecordingDelivery } from '../../src/delivery/recording-delivery.js';
import { silentLogger } from '../../src/logger.js';
import { startLookout, type Lookout } from '../../src/lookout.js';
import { eventually } from './eventually.js';
import { everyMinuteAlert } from './fixtures.js';

export interface FreshStore {
  store: Config['store'];
  drop(): Promise<void>;
}

const ALERTS = 200;

export function describeTwoInstances(title: string, freshStore: () => Promise<FreshStore>): void {
  describe(title, () => {
    let fresh: FreshStore | undefined;
    let dir = '';
    const instances: { lookout: Lookout; recording: RecordingDelivery }[] = [];

    function config(instance: string): Config {
      return makeConfig({
        store: fresh!.store,
        dataSources: [
          dataSourceConfig({ name: 'sample', kind: 'sqlite', path: join(dir, 's.sqlite'), statementTimeoutS: 30, maxRows: 100, poolSize: 2 }),
        ],
        admins: [],
        scheduler: { shards: 16, concurrency: 32, instance },
        slack: null,
        logLevel: 'silent',
      });
    }

    beforeAll(async () => {
      fresh = await freshStore();
      dir = mkdtempSync(join(tmpdir(), 'lookout-two-'));
      new Database(join(dir, 's.sqlite')).close();
      // Migrate once, then start both (DESIGN.md: Agenda's schema creation races otherwise).
      for (const name of ['instance-a', 'instance-b']) {
        const recording = createRecordingDelivery();
        const lookout = await startLookout(config(name), {
          logger: silentLogger(),
          delivery: recording,
          processEveryMs: 1000,
          lockLifetimeMs: 2000,
          heartbeatMs: 1000,
        });
        instances.push({ lookout, recording });
      }
      // Each sees the other before the alerts are made: a tick that comes soon after (creation
      // near a minute's end) would otherwise find one instance holding every shard.
      await eventually(
        async () => {
          for (const { lookout } of instances) {
            const seen = await lookout.metrics.registry.getSingleMetric('lookout_instances')?.get();
            if (seen?.values[0]?.value !== 2) return false;
          }
          return true;
        },
        30_000,
        'both instances to see each other',
      );
    }, 60_000);

    afterAll(async () => {
      for (const { lookout } of instances) await lookout.stop();
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
      // pg's pool.end() resolves before its sockets close; a forced DROP DATABASE meanwhile
      // terminates them (57P01) as an unhandled pool error. Let them close first.
      await delay(500);
      await fresh?.drop();
    }, 60_000);

    it(`${ALERTS} alerts due at once → every tick evaluated and sent exactly once`, async () => {
      const service = instances[0]!.lookout.service;
      const created = [];
      for (let i = 0; i < ALERTS; i += 1) {
        created.push(
          await service.create({ userId: 'UOWNER1' }, everyMinuteAlert(`load ${i}`)),
        );
      }
      const tick = created[0]!.nextRunAt!;
      // Every alert shares the tick, unless creation straddled a minute boundary.
      const firstTick = created.filter((a) => a.nextRunAt!.getTime() === tick.getTime());

      const store = instances[0]!.lookout.store;
      const sends = () => instances.flatMap((i) => i.recording.sent);
      // Every alert's tick finished on one instance or the other: each sent before finishing, and
      // the tick key is unique, so no duplicate can come after.
      await eventually(
        async () => {
          for (const alert of firstTick) {
            const runs = (await store.history(alert.id, 5)).filter((e) => e.scheduledAt.getTime() === tick.getTime());
            if (runs.length === 0 || runs.some((e) => e.state === 'WORKING')) return false;
          }
          return true;
        },
        100_000,
        'every alert of the first tick to finish',
      );

      const forTick = sends().filter((m) => m.message.scheduledAt.getTime() === tick.getTime());
      const perAlert = new Map<string, number>();
      for (const m of forTick) perAlert.set(m.message.alert.id, (perAlert.get(m.message.alert.id) ?? 0) + 1);
      expect(perAlert.size).toBe(firstTick.length);
      expect([...perAlert.values()].every((n) => n === 1)).toBe(true);

      let executions = 0;
      for (const alert of firstTick) {
        const history = await store.history(alert.id, 10);
        const ofTick = history.filter((e) => e.scheduledAt.getTime() === tick.getTime());
        expect(ofTick).toHaveLength(1);
        expect(ofTick[0]?.state).toBe('SUCCESS');
        executions += ofTick.length;
      }
      expect(executions).toBe(firstTick.length);
      // The shards spread: each instance holds at most half of them, so each sends a share.
      const byInstance = instances.map((i) => i.recording.sent.filter((m) => m.message.scheduledAt.getTime() === tick.getTime()).length);
      console.log(`sends per instance: ${byInstance.join(', ')}`);
      for (const sent of byInstance) expect(sent).toBeGreaterThanOrEqual(firstTick.length / 4);
    }, 150_000);
  });
}
