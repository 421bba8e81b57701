import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { LocalDelivery } from '../src/delivery.js';
import type { Command, CommandRef } from '../src/model.js';
import { RedisDelivery } from '../src/redis/delivery.js';
import { testRedis } from './redis-helper.js';

const command = (deviceId: string): Command => ({
  projectId: 'proj1',
  deviceId,
  commandId: `cmd-${deviceId}`,
  paras: { value: 'ON' },
  expireTime: 0,
  sendStrategy: 'immediately',
  status: 'SENT',
  createdAt: 1,
  expiresAt: 2,
  sentAt: 1,
});

function nextMessage<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('LocalDelivery', () => {
  it('tracks awake devices with a registration lifetime', async () => {
    const clock = new ManualClock(1000);
    const delivery = new LocalDelivery({ clock });
    const ref = { projectId: 'proj1', deviceId: 'd1' };
    expect(await delivery.isAwake(ref)).toBe(false);
    delivery.markAwake(ref, 500);
    expect(await delivery.isAwake(ref)).toBe(true);
    clock.advance(500);
    expect(await delivery.isAwake(ref)).toBe(false);
    delivery.markAwake(ref);
    clock.advance(1e9);
    expect(await delivery.isAwake(ref)).toBe(true);
    delivery.markAsleep(ref);
    expect(await delivery.isAwake(ref)).toBe(false);
  });

  it('hands commands to the listener without blocking the caller', async () => {
    const received = nextMessage<Command>();
    let listenerRan = false;
    const delivery = new LocalDelivery({
      listener: (c) => {
        listenerRan = true;
        received.resolve(c);
      },
    });
    const sent = command('d1');
    await delivery.handOff(sent);
    expect(listenerRan).toBe(false);
    expect(await received.promise).toEqual(sent);
  });

  it('reports a failing listener to onError', async () => {
    const failed = nextMessage<unknown>();
    const delivery = new LocalDelivery({
      listener: () => {
        throw new Error('boom');
      },
      onError: failed.resolve,
    });
    await delivery.handOff(command('d1'));
    expect(String(await failed.promise)).toContain('boom');
  });
});

describe('RedisDelivery (real Redis)', () => {
  const t = testRedis();
  afterAll(() => t.cleanup());

  it('keeps presence with a TTL and only lets the owning ingress remove it', async () => {
    const delivery = new RedisDelivery(t.redis, { keyPrefix: t.subPrefix(), partitions: 8 });
    const ref = { projectId: 'proj1', deviceId: 'd1' };
    expect(await delivery.isAwake(ref)).toBe(false);
    await delivery.markAwake(ref, 'ingress-a', 60_000);
    expect(await delivery.isAwake(ref)).toBe(true);
    expect(await delivery.ingressOf(ref)).toBe('ingress-a');
    const key = delivery.keys.presence(ref);
    expect(key).toContain(`{p${delivery.keys.partitionOf(ref)}}:reg:proj1:d1`);
    const ttl = await t.redis.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await delivery.markAsleep(ref, 'ingress-b');
    expect(await delivery.isAwake(ref)).toBe(true);
    await delivery.markAsleep(ref, 'ingress-a');
    expect(await delivery.isAwake(ref)).toBe(false);
    await delivery.markAwake(ref, 'ingress-a', 30);
    await new Promise((r) => setTimeout(r, 80));
    expect(await delivery.isAwake(ref)).toBe(false);
  });

  it('publishes a hand-off to the ingress holding the registration', async () => {
    const prefix = t.subPrefix();
    const delivery = new RedisDelivery(t.redis, { keyPrefix: prefix });
    const ingressSide = new RedisDelivery(t.redis, { keyPrefix: prefix });
    const receivedA = nextMessage<CommandRef>();
    const receivedB: CommandRef[] = [];
    const subA = await ingressSide.subscribe('ingress-a', receivedA.resolve);
    const subB = await ingressSide.subscribe('ingress-b', (ref) => {
      receivedB.push(ref);
    });
    try {
      const awake = command('d1');
      await delivery.markAwake(awake, 'ingress-a', 60_000);
      // A device nobody holds: nothing is published (the command will time out).
      await delivery.handOff(command('asleep'));
      await delivery.handOff(awake);
      expect(await receivedA.promise).toEqual({ projectId: 'proj1', deviceId: 'd1', commandId: 'cmd-d1' });
      expect(receivedB).toEqual([]);
    } finally {
      await subA.close();
      await subB.close();
    }
  });
});
