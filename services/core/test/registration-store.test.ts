import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { newId } from '../src/ids.js';
import { MemoryStore } from '../src/memory-store.js';
import { RedisStore } from '../src/redis/store.js';
import { MemoryRegistrationStore } from '../src/registrations/memory-registration-store.js';
import { RedisRegistrationStore } from '../src/registrations/redis-registration-store.js';
import { MID_RECLAIM_AT, type NewRegistration, type RegistrationStore } from '../src/registrations/registration.js';
import type { CommandStore } from '../src/store.js';
import { testRedis } from './redis-helper.js';

const input = (deviceId: string, overrides: Partial<NewRegistration> = {}): NewRegistration => ({
  projectId: 'proj1',
  deviceId,
  nodeId: `node-${deviceId}`,
  productId: 'prod',
  address: '127.0.0.1',
  port: 40_000,
  binding: 'U',
  lifetimeS: 60,
  lwm2m: '1.0',
  ingressId: 'ingress-a',
  registeredAt: Date.now(),
  ...overrides,
});

/** A registration store over a fresh command store of the same kind (mids are reclaimed by command status). */
type Factory = () => { store: RegistrationStore; commands: CommandStore };

function describeRegistrationStore(name: string, factory: Factory) {
  const make = () => factory().store;
  describe(name, () => {
    it('registers, finds by device and by id, updates and removes', async () => {
      const store = make();
      const { registration, replaced } = await store.register(input('d1'));
      expect(replaced).toBeUndefined();
      expect(registration.registrationId).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(await store.get(registration)).toEqual(registration);
      expect(await store.findById(registration.registrationId)).toEqual(registration);
      const updated = await store.update(
        registration.registrationId,
        { port: 40_001, ingressId: 'ingress-b' },
        registration.registeredAt + 5,
      );
      expect(updated).toMatchObject({
        port: 40_001,
        ingressId: 'ingress-b',
        address: '127.0.0.1',
        updatedAt: registration.registeredAt + 5,
      });
      expect(await store.get(registration)).toEqual(updated);
      expect(await store.remove(registration.registrationId)).toEqual(updated);
      expect(await store.get(registration)).toBeUndefined();
      expect(await store.findById(registration.registrationId)).toBeUndefined();
      expect(await store.remove(registration.registrationId)).toBeUndefined();
      expect(await store.update(registration.registrationId, {}, 1)).toBeUndefined();
    });

    it('a new registration replaces the old one, whose id stops working', async () => {
      const store = make();
      const first = (await store.register(input('d2'))).registration;
      const { registration: second, replaced } = await store.register(input('d2', { port: 40_100 }));
      expect(replaced).toEqual(first);
      expect(second.registrationId).not.toBe(first.registrationId);
      expect(await store.findById(first.registrationId)).toBeUndefined();
      expect(await store.update(first.registrationId, { port: 1 }, 1)).toBeUndefined();
      expect(await store.remove(first.registrationId)).toBeUndefined();
      expect((await store.get(second))?.port).toBe(40_100);
    });

    it('knows nothing of ids it did not make', async () => {
      const store = make();
      for (const id of ['', 'x', '99999-abc', '0-', '1-a/b']) expect(await store.findById(id)).toBeUndefined();
    });

    it('assigns each command a mid once and avoids the ones in use', async () => {
      const store = make();
      const ref = { projectId: 'proj1', deviceId: 'd3' };
      expect(await store.assignMid(ref, 'cmd-a', 65_535, 60_000)).toBe(65_535);
      expect(await store.assignMid(ref, 'cmd-a', 7, 60_000)).toBe(65_535);
      expect(await store.assignMid(ref, 'cmd-b', 65_535, 60_000)).toBe(1);
      expect(await store.commandOfMid(ref, 65_535)).toBe('cmd-a');
      expect(await store.commandOfMid(ref, 1)).toBe('cmd-b');
      expect(await store.commandOfMid({ projectId: 'proj1', deviceId: 'other' }, 1)).toBeUndefined();
    });

    it('reclaims the mids of commands that left the queue, keeps the others', async () => {
      const { store, commands } = factory();
      const ref = { projectId: 'proj1', deviceId: 'd6' };
      await commands.addDevice({ ...ref, nodeId: 'node-d6', productId: 'prod', gatewayId: 'd6', createdAt: 1 });
      const live = await commands.createCommand(
        {
          ...ref,
          commandId: newId(),
          paras: {},
          sendStrategy: 'delay',
          status: 'PENDING',
          expireTime: 0,
          createdAt: 1,
          expiresAt: Date.now() + 60_000,
        },
        20,
      );
      const liveMid = await store.assignMid(ref, live.commandId, 100, 60_000);
      for (let i = 1; i < MID_RECLAIM_AT; i++) await store.assignMid(ref, `gone-${i}`, 200 + i, 60_000);
      expect(await store.commandOfMid(ref, 201)).toBe('gone-1');
      await store.assignMid(ref, 'next', 300, 60_000);
      expect(await store.commandOfMid(ref, 201)).toBeUndefined();
      expect(await store.commandOfMid(ref, liveMid)).toBe(live.commandId);
      expect(await store.commandOfMid(ref, 300)).toBe('next');
    });
  });
}

describeRegistrationStore('MemoryRegistrationStore', () => {
  const commands = new MemoryStore({ partitions: 4 });
  return { store: new MemoryRegistrationStore({ commands }), commands };
});

describe('MemoryRegistrationStore lifetimes', () => {
  it('forgets a registration when its lifetime has passed since the last update', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryRegistrationStore({ clock });
    const { registration } = await store.register(input('d4', { registeredAt: clock.now(), lifetimeS: 10 }));
    clock.advance(9_000);
    await store.update(registration.registrationId, {}, clock.now());
    clock.advance(9_000);
    expect(await store.get(registration)).toBeDefined();
    clock.advance(1_000);
    expect(await store.get(registration)).toBeUndefined();
    expect(await store.findById(registration.registrationId)).toBeUndefined();
  });

  it('forgets mids after their time to live', async () => {
    const clock = new ManualClock();
    const store = new MemoryRegistrationStore({ clock });
    const ref = { projectId: 'p', deviceId: 'd' };
    await store.assignMid(ref, 'c', 5, 1_000);
    clock.advance(1_000);
    expect(await store.commandOfMid(ref, 5)).toBeUndefined();
  });
});

describe('RedisRegistrationStore (real Redis)', () => {
  const t = testRedis();
  afterAll(() => t.cleanup());
  describeRegistrationStore('contract', () => {
    const keyPrefix = t.subPrefix();
    return {
      store: new RedisRegistrationStore(t.redis, { keyPrefix, partitions: 4 }),
      commands: new RedisStore(t.redis, { keyPrefix, partitions: 4 }),
    };
  });

  it('keeps registrations and mids with a TTL, in the device partition', async () => {
    const prefix = t.subPrefix();
    const store = new RedisRegistrationStore(t.redis, { keyPrefix: prefix, partitions: 4 });
    const { registration } = await store.register(input('d5', { lifetimeS: 30 }));
    await store.assignMid(registration, 'cmd', 9, 5_000);
    const keys = (await t.redis.keys(`${prefix}*`)).sort();
    const tag = `{p${store.keys.partitionOf(registration)}}`;
    expect(keys.every((key) => key.startsWith(`${prefix}${tag}:`))).toBe(true);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(await t.redis.pttl(key)).toBeGreaterThan(0);
    const ttl = await t.redis.pttl(`${prefix}${tag}:lwreg:proj1:d5`);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await store.update(registration.registrationId, { lifetimeS: 300 }, Date.now());
    expect(await t.redis.pttl(`${prefix}${tag}:lwreg:proj1:d5`)).toBeGreaterThan(290_000);
  });
});
