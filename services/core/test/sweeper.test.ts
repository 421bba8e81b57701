import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { MemoryStore } from '../src/memory-store.js';
import { RedisLeases } from '../src/redis/leases.js';
import { RedisStore } from '../src/redis/store.js';
import type { CommandStore } from '../src/store.js';
import { MemoryLeases, Sweeper } from '../src/sweeper.js';
import { testRedis } from './redis-helper.js';
import { allEvents, device, record, T0 } from './store-conformance.js';

const DAY = 24 * 60 * 60 * 1000;

/** 40 devices over all partitions, each with one overdue PENDING, one overdue SENT and one fresh command. */
async function seed(store: CommandStore): Promise<string[]> {
  const overdue: string[] = [];
  for (let i = 0; i < 40; i++) {
    const ref = { projectId: 'proj', deviceId: `dev${i}` };
    await store.addDevice(device(ref));
    overdue.push((await store.createCommand(record(ref, { expiresAt: T0 + 10 }), 20)).commandId);
    overdue.push((await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 10 }), 20)).commandId);
    await store.createCommand(record(ref, { expiresAt: T0 + DAY }), 20);
  }
  return overdue;
}

async function endEvents(store: CommandStore): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (let p = 0; p < store.partitions; p++) {
    for (const { event } of await allEvents(store, p)) {
      if (event.status === 'EXPIRED' || event.status === 'TIMEOUT') {
        ends.set(event.commandId, (ends.get(event.commandId) ?? 0) + 1);
      }
    }
  }
  return ends;
}

describe('Sweeper over one Redis store', () => {
  const t = testRedis();
  afterAll(() => t.cleanup());

  it('two replicas end each overdue command exactly once', async () => {
    const prefix = t.subPrefix();
    const options = { keyPrefix: prefix, partitions: 8, sweepBatch: 4 };
    // Two replicas: own clients, own store objects, shared Redis; small batches force several rounds.
    const redisB = t.redis.duplicate();
    redisB.on('error', () => {});
    try {
      const storeA = new RedisStore(t.redis, options);
      const storeB = new RedisStore(redisB, options);
      const overdue = await seed(storeA);
      const sweepers = [storeA, storeB].map(
        (store, i) =>
          new Sweeper({
            store,
            leases: new RedisLeases(i === 0 ? t.redis : redisB, store.keys),
            holderId: `replica-${i}`,
            retentionMs: DAY,
            maxRoundsPerPartition: 100,
          }),
      );
      const [a, b] = await Promise.all(sweepers.map((s) => s.sweepOnce(T0 + 100)));
      expect((a?.expired ?? 0) + (b?.expired ?? 0)).toBe(40);
      expect((a?.timedOut ?? 0) + (b?.timedOut ?? 0)).toBe(40);
      const ends = await endEvents(storeA);
      expect([...ends.keys()].sort()).toEqual([...overdue].sort());
      expect([...ends.values()].every((n) => n === 1)).toBe(true);
      // Leases are released after each pass.
      expect(await t.redis.exists(storeA.keys.lease(0))).toBe(0);
      // A second round of both finds nothing left.
      const again = await Promise.all(sweepers.map((s) => s.sweepOnce(T0 + 100)));
      expect(again).toEqual([
        { expired: 0, timedOut: 0, purged: 0 },
        { expired: 0, timedOut: 0, purged: 0 },
      ]);
    } finally {
      await redisB.quit();
    }
  });

  it('ends each command once even when both replicas sweep the same partitions at the same time', async () => {
    const prefix = t.subPrefix();
    const options = { keyPrefix: prefix, partitions: 2, sweepBatch: 3 };
    const redisB = t.redis.duplicate();
    redisB.on('error', () => {});
    try {
      const storeA = new RedisStore(t.redis, options);
      const storeB = new RedisStore(redisB, options);
      const overdue = await seed(storeA);
      // A lease that always grants: what happens when a lease expires in the middle of a long sweep.
      const always = { tryAcquire: async () => true, release: async () => {} };
      const sweepers = [storeA, storeB].map(
        (store) => new Sweeper({ store, leases: always, retentionMs: DAY, maxRoundsPerPartition: 1000 }),
      );
      const totals = await Promise.all(sweepers.map((s) => s.sweepOnce(T0 + 100)));
      expect(totals.reduce((n, r) => n + r.expired + r.timedOut, 0)).toBe(80);
      const ends = await endEvents(storeA);
      expect(ends.size).toBe(overdue.length);
      expect([...ends.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await redisB.quit();
    }
  });

  it('skips a partition whose lease another replica holds', async () => {
    const store = new RedisStore(t.redis, { keyPrefix: t.subPrefix(), partitions: 2 });
    const ref = { projectId: 'proj', deviceId: 'dev' };
    await store.addDevice(device(ref));
    await store.createCommand(record(ref, { expiresAt: T0 }), 20);
    const leases = new RedisLeases(t.redis, store.keys);
    const p = store.partitionOf(ref);
    expect(await leases.tryAcquire(p, 'other', 60_000)).toBe(true);
    const sweeper = new Sweeper({ store, leases, holderId: 'me' });
    expect((await sweeper.sweepOnce(T0 + 1)).expired).toBe(0);
    await leases.release(p, 'me'); // not ours: stays
    expect((await sweeper.sweepOnce(T0 + 1)).expired).toBe(0);
    await leases.release(p, 'other');
    expect((await sweeper.sweepOnce(T0 + 1)).expired).toBe(1);
  });
});

describe('Sweeper timer', () => {
  it('sweeps periodically until stopped, and stop waits for the pass in flight', async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryStore({ partitions: 4 });
    const ref = { projectId: 'proj', deviceId: 'dev' };
    await store.addDevice(device(ref));
    const a = await store.createCommand(record(ref, { expiresAt: T0 + 50 }), 20);
    const sweeper = new Sweeper({ store, clock, intervalMs: 5, leases: new MemoryLeases() });
    sweeper.start();
    clock.advance(100);
    for (let i = 0; i < 100 && (await store.getCommand(a))?.status !== 'EXPIRED'; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await store.getCommand(a))?.status).toBe('EXPIRED');
    await sweeper.stop();
    const b = await store.createCommand(record(ref, { expiresAt: T0 + 150 }), 20);
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 40));
    expect((await store.getCommand(b))?.status).toBe('PENDING');
  });

  it('lets one in-process sweeper at a time hold a partition', async () => {
    const leases = new MemoryLeases();
    expect(await leases.tryAcquire(1, 'a', 1000)).toBe(true);
    expect(await leases.tryAcquire(1, 'b', 1000)).toBe(false);
    expect(await leases.tryAcquire(2, 'b', 1000)).toBe(true);
    await leases.release(1, 'b');
    expect(await leases.tryAcquire(1, 'b', 1000)).toBe(false);
    await leases.release(1, 'a');
    expect(await leases.tryAcquire(1, 'b', 1000)).toBe(true);
  });

  it('keeps going after a failing pass and reports it', async () => {
    const store = new MemoryStore({ partitions: 1 });
    const errors: unknown[] = [];
    let calls = 0;
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      sweep: async () => {
        calls++;
        throw new Error('redis down');
      },
    });
    const sweeper = new Sweeper({ store: failing, intervalMs: 2, onError: (e) => errors.push(e) });
    sweeper.start();
    for (let i = 0; i < 100 && calls < 3; i++) await new Promise((r) => setTimeout(r, 5));
    await sweeper.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBe(calls);
  });
});
