import { afterAll, describe, expect, it } from 'vitest';
import { LEGAL_FROM } from '../src/lifecycle.js';
import { partitionOf } from '../src/partition.js';
import { RedisStore } from '../src/redis/store.js';
import { scanKeys, testRedis } from './redis-helper.js';
import { device, record, T0 } from './store-conformance.js';

const DAY = 24 * 60 * 60 * 1000;

const t = testRedis();
afterAll(() => t.cleanup());

describe('RedisStore key layout and memory', () => {
  it('keeps every key of a device in its partition hash tag and leaves nothing after deletion', async () => {
    const prefix = t.subPrefix();
    const store = new RedisStore(t.redis, { keyPrefix: prefix, partitions: 16 });
    const ref = { projectId: 'proj1', deviceId: 'dev1' };
    const tag = `{p${partitionOf(ref, 16)}}`;
    await store.addDevice(device(ref));
    const pending = await store.createCommand(record(ref, { paras: { big: 'x'.repeat(500) } }), 20);
    const sent = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 1 }), 20);
    await store.transition(sent, {
      to: 'FAILED',
      from: LEGAL_FROM.FAILED,
      at: T0 + 1,
      result: { detail: 'y'.repeat(500) },
    });

    const keys = (await scanKeys(t.redis, prefix)).map((k) => k.slice(prefix.length)).sort();
    // The device's `act` index is absent: its only member left it, and Redis drops empty sorted sets.
    expect(keys).toEqual(
      [
        `${tag}:cmd:${pending.commandId}`,
        `${tag}:cmd:${sent.commandId}`,
        `${tag}:dev:proj1:dev1`,
        `${tag}:events`,
        `${tag}:exp`,
        `${tag}:hist:proj1:dev1`,
        `${tag}:pa:${pending.commandId}`,
        `${tag}:pend:proj1:dev1`,
        `${tag}:ret`,
        `${tag}:rs:${sent.commandId}`,
        '{nodes}:nodes',
        '{proj:proj1}:devs',
      ].sort(),
    );
    // Long paras/result live apart, so the command hash stays in the compact encoding.
    expect(await t.redis.object('ENCODING', `${prefix}${tag}:cmd:${pending.commandId}`)).toBe('listpack');
    expect(await t.redis.object('ENCODING', `${prefix}${tag}:cmd:${sent.commandId}`)).toBe('listpack');

    await store.deleteDevice(ref);
    const left = (await scanKeys(t.redis, prefix)).map((k) => k.slice(prefix.length)).sort();
    // Only the partition's event log remains (it belongs to the forwarder, not to the device).
    expect(left).toEqual([`${tag}:events`]);
  });

  it('ignores and drops index entries whose command is not in the indexed status', async () => {
    const prefix = t.subPrefix();
    const store = new RedisStore(t.redis, { keyPrefix: prefix, partitions: 4 });
    const ref = { projectId: 'proj1', deviceId: 'dev1' };
    const p = store.partitionOf(ref);
    await store.addDevice(device(ref));
    const done = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + DAY }), 20);
    await store.transition(done, { to: 'SUCCESSFUL', from: LEGAL_FROM.SUCCESSFUL, at: T0 + 1 });
    const next = await store.createCommand(record(ref), 20);
    // Stale entries, as a bug or a manual repair could leave them.
    await t.redis.zadd(store.keys.timeouts(p), 0, done.commandId);
    await t.redis.zadd(store.keys.expiry(p), 0, done.commandId);
    await t.redis.zadd(store.keys.pending(ref), 0, '-'.repeat(22)); // sorts before every real id

    expect(await store.sweep(p, T0 + 10, DAY)).toMatchObject({ expired: 0, timedOut: 0 });
    expect((await store.getCommand(done))?.status).toBe('SUCCESSFUL');
    expect(await t.redis.zscore(store.keys.timeouts(p), done.commandId)).toBeNull();
    expect(await t.redis.zscore(store.keys.expiry(p), done.commandId)).toBeNull();
    const taken = await store.takeNextForDelivery(ref, T0 + 20, T0 + 30);
    expect(taken.command?.commandId).toBe(next.commandId);
    expect(await t.redis.zcard(store.keys.pending(ref))).toBe(0);
  });

  it('costs less than 600 bytes per PENDING command beyond its paras', async () => {
    const prefix = t.subPrefix();
    // 2 partitions of 500 commands: the partition expiry index is past the listpack size, in the
    // skiplist encoding it has at production scale.
    const store = new RedisStore(t.redis, { keyPrefix: prefix, partitions: 2 });
    const devices = 50;
    const perDevice = 20;
    const paras = { value: 'ON' };
    const parasBytes = JSON.stringify(paras).length;
    for (let d = 0; d < devices; d++) {
      const ref = {
        projectId: '0b2e1f4c9d8a4e7fb1c2d3e4f5a6b7c8',
        deviceId: `64a1b2c3d4e5f6a7b8c9d0e1_86612345678${d}`,
      };
      await store.addDevice(device(ref, { nodeId: `86612345678${d}` }));
      const creates = [];
      for (let i = 0; i < perDevice; i++) {
        creates.push(store.createCommand(record(ref, { serviceId: 'Switch', commandName: 'ON_OFF', paras }), 20));
      }
      await Promise.all(creates);
    }
    const usage = async (keys: string[]) => {
      let total = 0;
      for (const key of keys) total += Number(await t.redis.memory('USAGE', key, 'SAMPLES', '0'));
      return total;
    };
    const keys = await scanKeys(t.redis, prefix);
    expect(await t.redis.object('ENCODING', `${prefix}{p0}:exp`)).toBe('skiplist');
    const commandKeys = keys.filter((k) => /:(cmd|pa|pend|exp):/.test(k) || /:exp$/.test(k));
    const eventKeys = keys.filter((k) => k.endsWith(':events'));
    const commands = devices * perDevice;
    const perCommand = (await usage(commandKeys)) / commands - parasBytes;
    const perEvent = (await usage(eventKeys)) / commands;
    console.info(
      `RedisStore: ${perCommand.toFixed(0)} B per PENDING command beyond paras; ${perEvent.toFixed(0)} B per event`,
    );
    expect(perCommand).toBeGreaterThan(100);
    expect(perCommand).toBeLessThan(600);
  });
});
