import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventIdOf } from '../../src/notifications/event-id.js';
import type { FanOutItem, OutboxRef } from '../../src/notifications/model.js';
import type { EventEntry } from '../../src/store.js';
import { testRedis } from '../redis-helper.js';
import { type Kind, type NotifyEnv, notifyEnv } from './env.js';

const t = testRedis();
afterAll(() => t.cleanup());

const A = 'holder-a';
const B = 'holder-b';
const TTL = 5_000;

describe.each<Kind>(['memory', 'redis'])('ForwarderLog and PartitionLeases (%s)', (kind) => {
  let env: NotifyEnv;
  const ref = { projectId: 'proj1', deviceId: 'dev1' };
  const target: OutboxRef = { projectId: 'proj1', actionId: 'act-1' };
  const other: OutboxRef = { projectId: 'proj1', actionId: 'act-2' };
  let p: number;

  beforeEach(async () => {
    env = notifyEnv(kind, t);
    await env.service.addDevice({ ...ref, nodeId: 'node-1', productId: 'prod' });
    p = env.store.partitionOf(ref);
  });
  afterEach(() => env.close());

  const events = async (n: number): Promise<EventEntry[]> => {
    for (let i = 0; i < n; i++) await env.service.createCommand({ ...ref, paras: { i }, sendStrategy: 'delay' });
    return env.log.nextEvents(p, await env.log.cursor(p), 1000, 0);
  };
  const items = (entries: EventEntry[], to: OutboxRef[]): FanOutItem[] =>
    entries.flatMap(({ event }) => to.map((target) => ({ target, eventId: eventIdOf(event), event })));

  it('grants a lease to one holder at a time; only the holder renews or releases it', async () => {
    const { leases } = env;
    expect(await leases.tryAcquire(p, A, TTL)).toBe(true);
    expect(await leases.tryAcquire(p, B, TTL)).toBe(false);
    expect(await leases.renew(p, B, TTL)).toBe(false);
    expect(await leases.renew(p, A, TTL)).toBe(true);
    await leases.release(p, B);
    expect(await leases.tryAcquire(p, B, TTL)).toBe(false);
    await leases.release(p, A);
    expect(await leases.tryAcquire(p, B, TTL)).toBe(true);
    expect(await leases.renew(p, A, TTL)).toBe(false);
  });

  it('lets a lease expire when it is not renewed', async () => {
    expect(await env.leases.tryAcquire(p, A, 50)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await env.leases.renew(p, A, TTL)).toBe(false);
    expect(await env.leases.tryAcquire(p, B, TTL)).toBe(true);
  });

  it('counts live replicas by heartbeat; a replica that stops beating or leaves is no longer counted', async () => {
    const { leases } = env;
    expect(await leases.heartbeat(A, 80)).toBe(1);
    expect(await leases.heartbeat(B, TTL)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await leases.heartbeat(B, TTL)).toBe(1);
    await leases.leave(B);
    expect(await leases.heartbeat(A, TTL)).toBe(1);
  });

  it('fans events out to outboxes, moves the cursor and trims the log, all fenced by the lease', async () => {
    const log = env.log;
    const entries = await events(3);
    expect(entries).toHaveLength(3);
    const last = entries.at(-1)?.id ?? '';
    await env.leases.tryAcquire(p, A, TTL);

    expect(await log.fanOut(p, B, last, items(entries, [target]))).toBeUndefined();
    expect(await log.cursor(p)).toBe('0');
    expect(await log.outboxes(p)).toEqual([]);

    const ids = await log.fanOut(p, A, last, items(entries, [target, other]));
    expect(ids).toHaveLength(6);
    expect(await log.cursor(p)).toBe(last);
    expect(await log.nextEvents(p, last, 10, 0)).toEqual([]);
    // `MINID ~` may keep a partly trimmed stream node on Redis, but only events up to the cursor.
    const kept = await env.store.readEvents(p, '0', 10);
    expect(kept.every((entry) => entries.some((fanned) => fanned.id === entry.id))).toBe(true);
    if (kind === 'memory') expect(kept).toEqual([]);
    expect((await log.outboxes(p)).sort((a, b) => a.actionId.localeCompare(b.actionId))).toEqual([target, other]);

    const outbox = await log.readOutbox(p, target, 10);
    // The positions fan-out reported are those the outbox shows (items alternate target, other).
    expect(outbox.map((e) => e.id)).toEqual(ids?.filter((_, i) => i % 2 === 0));
    expect(outbox.map((e) => e.eventId)).toEqual(entries.map((e) => eventIdOf(e.event)));
    expect(outbox.map((e) => e.event)).toEqual(entries.map((e) => e.event));
    expect(await log.readOutbox(p, target, 2)).toEqual(outbox.slice(0, 2));
  });

  it('settles delivered and dead entries in one fenced step and forgets an emptied outbox', async () => {
    const log = env.log;
    const entries = await events(3);
    await env.leases.tryAcquire(p, A, TTL);
    await log.fanOut(p, A, entries.at(-1)?.id ?? '', items(entries, [target]));
    const [e1, e2, e3] = await log.readOutbox(p, target, 10);
    if (!e1 || !e2 || !e3) throw new Error('expected three entries');

    expect(await log.settle(p, B, target, [e1.id], [])).toBe(false);
    expect(await log.readOutbox(p, target, 10)).toHaveLength(3);

    expect(
      await log.settle(p, A, target, [e1.id], [{ entry: e2, cause: 'rejected', reason: 'HTTP 404', attempts: 1 }]),
    ).toBe(true);
    expect(await log.readOutbox(p, target, 10)).toEqual([e3]);
    const dead = await log.deadLetters(p, 10);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toEqual({
      id: expect.any(String),
      target,
      cause: 'rejected',
      reason: 'HTTP 404',
      attempts: 1,
      entry: e2,
    });

    expect(await log.settle(p, A, target, [e3.id], [])).toBe(true);
    expect(await log.readOutbox(p, target, 10)).toEqual([]);
    expect(await log.outboxes(p)).toEqual([]);
  });

  it('waits for the next event when asked to block, and returns at once when released', async () => {
    const log = env.log;
    const cursor = (await events(1)).at(-1)?.id ?? '0';
    const waiting = log.nextEvents(p, cursor, 10, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await env.service.createCommand({ ...ref, paras: {}, sendStrategy: 'delay' });
    expect((await waiting).map((e) => e.event.status)).toEqual(['PENDING']);

    const started = Date.now();
    const released = log.nextEvents(p, (await log.nextEvents(p, cursor, 10, 0)).at(-1)?.id ?? '', 10, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await log.releasePartition(p);
    await released.catch(() => []);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
