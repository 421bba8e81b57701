import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { LocalDelivery } from '../src/delivery.js';
import { newId } from '../src/ids.js';
import { LEGAL_FROM } from '../src/lifecycle.js';
import { MemoryStore } from '../src/memory-store.js';
import type { Command, DeviceRef } from '../src/model.js';
import { fnv1a32 } from '../src/partition.js';
import { RedisDelivery } from '../src/redis/delivery.js';
import { RedisStore } from '../src/redis/store.js';
import { MemoryRegistrationStore } from '../src/registrations/memory-registration-store.js';
import { FNV1A32_LUA } from '../src/registrations/redis-mids.js';
import { RedisRegistrationStore } from '../src/registrations/redis-registration-store.js';
import {
  candidateMid,
  MID_RECLAIM_AT,
  type NewRegistration,
  type RegistrationStore,
} from '../src/registrations/registration.js';
import type { CommandStore, TakeNextResult } from '../src/store.js';
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

/**
 * A registration store over a fresh command store of the same kind (mids are reclaimed by command status,
 * delivery steps run on it) and the presence it marks.
 */
type Factory = () => {
  store: RegistrationStore;
  commands: CommandStore;
  presence: { isAwake(ref: DeviceRef): Promise<boolean> };
};

const DAY = 86_400_000;

async function deviceWithCommands(commands: CommandStore, ref: DeviceRef, count: number) {
  await commands.addDevice({ ...ref, nodeId: `node-${ref.deviceId}`, productId: 'prod', gatewayId: 'g', createdAt: 1 });
  const made = [];
  for (let i = 0; i < count; i++) {
    made.push(
      await commands.createCommand(
        {
          ...ref,
          commandId: newId(),
          paras: { i },
          sendStrategy: 'delay',
          status: 'PENDING',
          expireTime: 0,
          createdAt: 1 + i,
          expiresAt: Date.now() + DAY,
        },
        20,
      ),
    );
  }
  return made;
}

/** `next` took `first` at `now` with its candidate mid, which the store now maps to it; the device is awake. */
async function expectTookFirst(
  { store, presence }: Pick<ReturnType<Factory>, 'store' | 'presence'>,
  first: Command,
  next: TakeNextResult | undefined,
  now: number,
) {
  expect(next).toEqual({
    busy: false,
    expired: 0,
    command: { ...first, status: 'SENT', sentAt: now },
    mid: candidateMid(first.commandId),
  });
  expect(await presence.isAwake(first)).toBe(true);
  expect(await store.commandOfMid(first, candidateMid(first.commandId))).toBe(first.commandId);
}

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

    it('registers a provisioned device only, with the product id of its record', async () => {
      const { store, commands, presence } = factory();
      const ref = { projectId: 'proj1', deviceId: 'd10' };
      await commands.addDevice({ ...ref, nodeId: 'node-d10', productId: 'meter-x', gatewayId: 'g', createdAt: 1 });
      const { productId: _productId, ...request } = input('d10');
      const made = await store.registerDevice(request, { presence: { queueModeAwakeMs: 93_000 } });
      expect(made?.replaced).toBeUndefined();
      expect(made?.registration).toMatchObject({ ...request, productId: 'meter-x' });
      expect(await store.get(ref)).toEqual(made?.registration);
      expect(await presence.isAwake(ref)).toBe(true);
      const again = await store.registerDevice(request);
      expect(again?.replaced).toEqual(made?.registration);

      // No such device, or not with this node id (a leftover claim): nothing is stored.
      const { productId: _p, ...ghost } = input('ghost');
      expect(await store.registerDevice(ghost, { presence: { queueModeAwakeMs: 93_000 } })).toBeUndefined();
      expect(await store.get(ghost)).toBeUndefined();
      expect(await presence.isAwake(ghost)).toBe(false);
      expect(await store.registerDevice({ ...request, nodeId: 'node-other' })).toBeUndefined();
      expect((await store.get(ref))?.registrationId).toBe(again?.registration.registrationId);
      await commands.deleteDevice(ref);
      expect(await store.registerDevice(request)).toBeUndefined();
    });

    it('takes the next command with its mid in one step, and keeps that mid for resends', async () => {
      const { store, commands } = factory();
      const ref = { projectId: 'proj1', deviceId: 'd7' };
      const [a, b] = await deviceWithCommands(commands, ref, 2);
      if (!a || !b) throw new Error('no commands');
      const now = Date.now();
      const first = await store.takeNextWithMid(ref, now, now + 30_000, 60_000);
      expect(first).toEqual({
        busy: false,
        expired: 0,
        command: { ...a, status: 'SENT', sentAt: now },
        mid: candidateMid(a.commandId),
      });
      expect(await store.commandOfMid(ref, candidateMid(a.commandId))).toBe(a.commandId);
      // A resend (restart safety) asks assignMid and gets the same mid.
      expect(await store.assignMid(ref, a.commandId, 1234, 60_000)).toBe(candidateMid(a.commandId));
      expect(await store.takeNextWithMid(ref, now + 1, now + 30_001, 60_000)).toEqual({ busy: true, expired: 0 });

      // A result ends a and takes b with its mid; b's candidate is taken by another command meanwhile.
      await store.assignMid(ref, 'squatter', candidateMid(b.commandId), 60_000);
      const ended = await store.transitionWithMid(
        a,
        { to: 'SUCCESSFUL', from: LEGAL_FROM.SUCCESSFUL, at: now + 5, takeNext: { deadline: now + 30_005 } },
        60_000,
      );
      expect(ended).toMatchObject({ applied: true, command: { status: 'SUCCESSFUL', respondedAt: now + 5 } });
      const expectedMid = (candidateMid(b.commandId) % 65_535) + 1;
      expect(ended.next).toEqual({
        busy: false,
        expired: 0,
        command: { ...b, status: 'SENT', sentAt: now + 5 },
        mid: expectedMid,
      });
      expect(await store.commandOfMid(ref, expectedMid)).toBe(b.commandId);
      expect((await commands.getCommand(b))?.status).toBe('SENT');

      const last = await store.transitionWithMid(
        b,
        { to: 'TIMEOUT', from: LEGAL_FROM.TIMEOUT, at: now + 6, takeNext: { deadline: now + 30_006 }, brief: true },
        60_000,
      );
      expect(last).toEqual({ applied: true, next: { busy: false, expired: 0 } });
      expect(last.next?.mid).toBeUndefined();
      // A late result: refused, and the (empty) queue is still looked at.
      const late = await store.transitionWithMid(
        a,
        { to: 'FAILED', from: LEGAL_FROM.FAILED, at: now + 7, takeNext: { deadline: now + 30_007 } },
        60_000,
      );
      expect(late).toEqual({
        applied: false,
        reason: 'illegal',
        current: 'SUCCESSFUL',
        next: { busy: false, expired: 0 },
      });
    });

    it('updates and takes the first command with its mid in one step, only for the device it names', async () => {
      const { store, commands, presence } = factory();
      const ref = { projectId: 'proj1', deviceId: 'd10' };
      const [a] = await deviceWithCommands(commands, ref, 2);
      if (!a) throw new Error('no commands');
      const { registration } = await store.register(input('d10', { binding: 'UQ' }));
      const now = Date.now();
      const take = { device: ref, deadline: now + 30_000, midTtlMs: 60_000 };
      const options = { presence: { queueModeAwakeMs: 93_000 } };

      const woke = await store.updateThenTake(registration.registrationId, { port: 40_011 }, now, options, take);
      expect(woke?.registration).toMatchObject({
        registrationId: registration.registrationId,
        port: 40_011,
        updatedAt: now,
      });
      await expectTookFirst({ store, presence }, a, woke?.next, now);
      // One in flight: the next wake-up takes nothing.
      const again = await store.updateThenTake(registration.registrationId, {}, now + 1, options, take);
      expect(again?.next).toEqual({ busy: true, expired: 0 });
      // Another device's registration is updated, and nothing is taken for the device named.
      const other = (await store.register(input('d11'))).registration;
      const foreign = await store.updateThenTake(other.registrationId, {}, now + 2, options, take);
      expect(foreign?.registration.deviceId).toBe('d11');
      expect(foreign?.next).toBeUndefined();
      expect(await store.updateThenTake('0-gone', {}, now, options, take)).toBeUndefined();
    });

    it('registers a device and takes its first command with its mid in one step', async () => {
      const { store, commands, presence } = factory();
      const ref = { projectId: 'proj1', deviceId: 'd12' };
      const [a] = await deviceWithCommands(commands, ref, 2);
      if (!a) throw new Error('no commands');
      const { productId: _productId, ...request } = input('d12', { binding: 'UQ' });
      const now = request.registeredAt;
      const take = { device: ref, deadline: now + 30_000, midTtlMs: 60_000 };
      const options = { presence: { queueModeAwakeMs: 93_000 } };
      // A refused registration (not this device's node id) takes nothing.
      expect(await store.registerDevice({ ...request, nodeId: 'node-other' }, options, take)).toBeUndefined();
      expect((await commands.getCommand(a))?.status).toBe('PENDING');

      const made = await store.registerDevice(request, options, take);
      expect(made?.registration).toMatchObject({ ...request, productId: 'prod' });
      await expectTookFirst({ store, presence }, a, made?.next, now);
      // Registering again (a reboot) with one in flight takes nothing more.
      const again = await store.registerDevice({ ...request, registeredAt: now + 1 }, options, take);
      expect(again?.replaced).toEqual(made?.registration);
      expect(again?.next).toEqual({ busy: true, expired: 0 });
    });

    it('sets presence with the registration and with updates, only when asked', async () => {
      const { store, presence } = factory();
      const plain = (await store.register(input('d8'))).registration;
      expect(await presence.isAwake(plain)).toBe(false);
      const present = (await store.register(input('d8'), { presence: { queueModeAwakeMs: 93_000 } })).registration;
      expect(await presence.isAwake(present)).toBe(true);

      const other = (await store.register(input('d9', { binding: 'UQ' }))).registration;
      expect(await presence.isAwake(other)).toBe(false);
      await store.update(other.registrationId, { port: 40_009 }, Date.now());
      expect(await presence.isAwake(other)).toBe(false);
      const updated = await store.update(other.registrationId, { port: 40_010 }, Date.now(), {
        presence: { queueModeAwakeMs: 93_000 },
      });
      expect(updated?.port).toBe(40_010);
      expect(await presence.isAwake(other)).toBe(true);
      expect(await store.update('0-gone', {}, Date.now(), { presence: { queueModeAwakeMs: 1 } })).toBeUndefined();
    });
  });
}

describeRegistrationStore('MemoryRegistrationStore', () => {
  const commands = new MemoryStore({ partitions: 4 });
  const presence = new LocalDelivery();
  return { store: new MemoryRegistrationStore({ commands, presence }), commands, presence };
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
      presence: new RedisDelivery(t.redis, { keyPrefix, partitions: 4 }),
    };
  });

  it('sets presence to the ingress for the lifetime (U) or the queue-mode window (UQ), in the device slot', async () => {
    const keyPrefix = t.subPrefix();
    const store = new RedisRegistrationStore(t.redis, { keyPrefix, partitions: 4 });
    const delivery = new RedisDelivery(t.redis, { keyPrefix, partitions: 4 });
    const presence = { queueModeAwakeMs: 93_000 };
    const u = (await store.register(input('p1', { lifetimeS: 300, ingressId: 'ing-1' }), { presence })).registration;
    expect(await delivery.ingressOf(u)).toBe('ing-1');
    const uKey = delivery.keys.presence(u);
    expect(uKey.startsWith(`${keyPrefix}{p${store.keys.partitionOf(u)}}:`)).toBe(true);
    expect(await t.redis.pttl(uKey)).toBeGreaterThan(299_000);
    // An update to queue mode from another ingress: the window, and the new ingress.
    await store.update(u.registrationId, { binding: 'UQ', ingressId: 'ing-2' }, Date.now(), { presence });
    expect(await delivery.ingressOf(u)).toBe('ing-2');
    const pttl = await t.redis.pttl(uKey);
    expect(pttl).toBeGreaterThan(92_000);
    expect(pttl).toBeLessThanOrEqual(93_000);
    // A lifetime shorter than the window bounds it.
    await store.update(u.registrationId, { lifetimeS: 20 }, Date.now(), { presence });
    expect(await t.redis.pttl(uKey)).toBeLessThanOrEqual(20_000);
  });

  it('computes the candidate mid in Lua exactly as in TypeScript', async () => {
    const samples = ['', 'a', 'foobar', newId(), 'ünï €', '😀'];
    for (let i = 0; i < 300; i++) samples.push(newId());
    for (let i = 0; i < 100; i++) {
      samples.push(
        Array.from({ length: i % 17 }, () => String.fromCharCode(32 + Math.floor(Math.random() * 2000))).join(''),
      );
    }
    const lua = `${FNV1A32_LUA}
local out = {}
for i, s in ipairs(ARGV) do out[i] = fnv1a32(s) end
return out`;
    const hashes = (await t.redis.eval(lua, 0, ...samples)) as number[];
    expect(hashes).toEqual(samples.map((sample) => fnv1a32(sample)));
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
