import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { CommandService } from '../src/command-service.js';
import type { DeliveryPort } from '../src/delivery.js';
import { LIMITS } from '../src/limits.js';
import { MemoryStore } from '../src/memory-store.js';
import type { Command, DeviceRef, NewCommand } from '../src/model.js';
import { RedisStore } from '../src/redis/store.js';
import type { CommandStore } from '../src/store.js';
import { testRedis } from './redis-helper.js';
import { allEvents, expectAppError } from './store-conformance.js';

const HOUR_MS = 60 * 60 * 1000;

/** A delivery port whose awake set and hand-offs the test controls and observes. */
class FakeDelivery implements DeliveryPort {
  awake = new Set<string>();
  handedOff: Command[] = [];
  failHandOff = false;

  async isAwake(ref: DeviceRef): Promise<boolean> {
    return this.awake.has(`${ref.projectId}/${ref.deviceId}`);
  }

  async handOff(command: Command): Promise<void> {
    if (this.failHandOff) throw new Error('ingress unreachable');
    this.handedOff.push(command);
  }
}

const redisT = testRedis();
afterAll(() => redisT.cleanup());

const stores: [string, () => CommandStore][] = [
  ['MemoryStore', () => new MemoryStore({ partitions: 4 })],
  ['RedisStore', () => new RedisStore(redisT.redis, { keyPrefix: redisT.subPrefix(), partitions: 4 })],
];

describe.each(stores)('CommandService on %s', (_name, makeStore) => {
  let clock: ManualClock;
  let delivery: FakeDelivery;
  let service: CommandService;
  let store: CommandStore;
  let handOffErrors: unknown[];
  const ref = { projectId: 'proj1', deviceId: 'prod_imei1' };
  const cmd = (overrides: Partial<NewCommand> = {}): NewCommand => ({
    ...ref,
    paras: { value: 'ON' },
    sendStrategy: 'delay',
    ...overrides,
  });

  beforeEach(async () => {
    clock = new ManualClock(1_700_000_000_000);
    delivery = new FakeDelivery();
    store = makeStore();
    handOffErrors = [];
    service = new CommandService({
      store,
      delivery,
      clock,
      options: { ackTimeoutMs: 1000, resultTimeoutMs: 5000, retentionMs: HOUR_MS },
      onHandOffError: (error) => handOffErrors.push(error),
    });
    await service.addDevice({ projectId: 'proj1', nodeId: 'imei1', productId: 'prod' });
  });

  it('registers devices with IoTDA defaults for device_id and gateway_id', async () => {
    const device = await service.getDevice(ref);
    expect(device).toEqual({
      projectId: 'proj1',
      deviceId: 'prod_imei1',
      nodeId: 'imei1',
      productId: 'prod',
      gatewayId: 'prod_imei1',
      createdAt: clock.now(),
    });
    const explicit = await service.addDevice({
      projectId: 'proj1',
      deviceId: 'mine',
      nodeId: 'imei2',
      productId: 'prod',
      gatewayId: 'gw',
    });
    expect(explicit.gatewayId).toBe('gw');
    expect((await service.findDeviceByNodeId('imei2'))?.deviceId).toBe('mine');
    await expectAppError(
      service.addDevice({ projectId: 'proj1', nodeId: 'imei1', productId: 'other' }),
      'NODE_ID_EXISTS',
    );
    await expectAppError(
      service.addDevice({ projectId: 'proj1', deviceId: 'a:b', nodeId: 'n', productId: 'p' }),
      'INVALID_INPUT',
    );
    await expectAppError(service.addDevice({ projectId: 'p{1}', nodeId: 'n', productId: 'p' }), 'INVALID_INPUT');
    expect((await service.listDevices('proj1', {}, { limit: 10, offset: 0 })).count).toBe(2);
    await service.deleteDevice({ projectId: 'proj1', deviceId: 'mine' });
    await expectAppError(service.getDevice({ projectId: 'proj1', deviceId: 'mine' }), 'DEVICE_NOT_FOUND');
    await expectAppError(service.deleteDevice({ projectId: 'proj1', deviceId: 'mine' }), 'DEVICE_NOT_FOUND');
  });

  it('caches a delayed command for 24 h when expire_time is 0 or absent', async () => {
    const absent = await service.createCommand(cmd());
    expect(absent).toMatchObject({ status: 'PENDING', expireTime: 0, createdAt: clock.now() });
    expect(absent.expiresAt).toBe(clock.now() + 24 * HOUR_MS);
    const zero = await service.createCommand(cmd({ expireTime: 0 }));
    expect(zero.expiresAt).toBe(clock.now() + 24 * HOUR_MS);
    const given = await service.createCommand(cmd({ expireTime: 60 }));
    expect(given).toMatchObject({ expireTime: 60, expiresAt: clock.now() + 60_000 });
    const max = await service.createCommand(cmd({ expireTime: LIMITS.maxExpireSeconds }));
    expect(max.expiresAt).toBe(clock.now() + 48 * HOUR_MS);
    expect(await service.getCommand(given)).toEqual(given);
    expect(delivery.handedOff).toEqual([]);
  });

  it('sends an immediate command to an awake device and hands it off', async () => {
    delivery.awake.add('proj1/prod_imei1');
    const sent = await service.createCommand(cmd({ sendStrategy: 'immediately' }));
    expect(sent).toMatchObject({ status: 'SENT', sentAt: clock.now(), createdAt: clock.now() });
    expect(delivery.handedOff).toEqual([sent]);
    // Not acknowledged within ackTimeoutMs: the sweeper ends it in TIMEOUT.
    clock.advance(1000);
    expect(await store.sweep(store.partitionOf(ref), clock.now(), HOUR_MS)).toMatchObject({ timedOut: 1 });
    expect((await service.getCommand(sent)).status).toBe('TIMEOUT');
  });

  it('fails an immediate command to a sleeping device at once', async () => {
    const failed = await service.createCommand(cmd({ sendStrategy: 'immediately' }));
    expect(failed.status).toBe('FAILED');
    expect(delivery.handedOff).toEqual([]);
    expect(await service.countHistory(ref, { status: 'FAILED' })).toBe(1);
  });

  it('keeps a command SENT when the hand-off fails (it will time out) and reports the error', async () => {
    delivery.awake.add('proj1/prod_imei1');
    delivery.failHandOff = true;
    const sent = await service.createCommand(cmd({ sendStrategy: 'immediately' }));
    expect(sent.status).toBe('SENT');
    expect(handOffErrors).toHaveLength(1);
    expect((await service.getCommand(sent)).status).toBe('SENT');
  });

  it('rejects bad input with the catalogue errors', async () => {
    const ghost = { projectId: 'proj1', deviceId: 'ghost' };
    await expectAppError(service.createCommand(cmd(ghost)), 'DEVICE_NOT_FOUND');
    await expectAppError(service.createCommand(cmd({ ...ghost, sendStrategy: 'immediately' })), 'DEVICE_NOT_FOUND');
    await expectAppError(service.createCommand(cmd({ expireTime: LIMITS.maxExpireSeconds + 1 })), 'INVALID_INPUT');
    await expectAppError(service.createCommand(cmd({ expireTime: -1 })), 'INVALID_INPUT');
    await expectAppError(service.createCommand(cmd({ expireTime: 1.5 })), 'INVALID_INPUT');
    const oversize = { blob: 'x'.repeat(LIMITS.maxParasBytes) };
    await expectAppError(service.createCommand(cmd({ paras: oversize })), 'PAYLOAD_TOO_LARGE');
    // Exactly at the limit is accepted: the serialized size counts.
    const fits = { b: 'x'.repeat(LIMITS.maxParasBytes - JSON.stringify({ b: '' }).length) };
    expect((await service.createCommand(cmd({ paras: fits }))).status).toBe('PENDING');
    await expectAppError(
      service.createCommand(cmd({ paras: [] as unknown as Record<string, unknown> })),
      'INVALID_INPUT',
    );
    await expectAppError(service.createCommand(cmd({ sendStrategy: 'later' as 'delay' })), 'INVALID_INPUT');
    await expectAppError(service.getCommand({ ...ref, commandId: 'nope' }), 'COMMAND_NOT_FOUND');
    await expectAppError(service.getCommand({ ...ghost, commandId: 'nope' }), 'DEVICE_NOT_FOUND');
    await expectAppError(service.listQueue(ghost, {}, { limit: 10, offset: 0 }), 'DEVICE_NOT_FOUND');
    await expectAppError(service.listHistory(ghost, {}, { limit: 10, offset: 0 }), 'DEVICE_NOT_FOUND');
    await expectAppError(service.countHistory(ghost, {}), 'DEVICE_NOT_FOUND');
    await expectAppError(service.listQueue(ref, {}, { limit: 51, offset: 0 }), 'LIMIT_OUT_OF_RANGE');
    await expectAppError(service.listQueue(ref, {}, { limit: 10, offset: 501 }), 'INVALID_INPUT');
    await expectAppError(
      service.listHistory(ref, { startTime: 2, endTime: 1 }, { limit: 10, offset: 0 }),
      'TIME_RANGE',
    );
  });

  it('enforces the PENDING cap', async () => {
    for (let i = 0; i < LIMITS.maxPendingPerDevice; i++) await service.createCommand(cmd());
    await expectAppError(service.createCommand(cmd()), 'COMMAND_CACHE_FULL');
  });

  it('runs the delivery side: take next, delivered, result; serial and with the configured deadlines', async () => {
    const first = await service.createCommand(cmd({ commandName: 'first' }));
    const second = await service.createCommand(cmd({ commandName: 'second' }));
    clock.advance(10);
    const taken = await service.takeNext(ref);
    expect(taken.command).toMatchObject({ commandId: first.commandId, status: 'SENT', sentAt: clock.now() });
    expect((await service.takeNext(ref)).busy).toBe(true);

    clock.advance(10);
    const delivered = await service.markDelivered(first);
    expect(delivered).toMatchObject({ applied: true, command: { status: 'DELIVERED', deliveredAt: clock.now() } });
    // The result deadline is resultTimeoutMs after the ACK: just before it nothing happens.
    const p = store.partitionOf(ref);
    expect((await store.sweep(p, clock.now() + 4999, HOUR_MS)).timedOut).toBe(0);
    expect((await service.markDelivered(first)).applied).toBe(false);

    clock.advance(10);
    const done = await service.recordResult(first, true, { code: 0 });
    expect(done).toMatchObject({
      applied: true,
      command: { status: 'SUCCESSFUL', respondedAt: clock.now(), result: { code: 0 } },
    });
    expect(await service.recordResult(first, false)).toEqual({
      applied: false,
      reason: 'illegal',
      current: 'SUCCESSFUL',
    });

    const next = await service.takeNext(ref);
    expect(next.command?.commandId).toBe(second.commandId);
    expect(await service.markTimedOut(second)).toMatchObject({ applied: true, command: { status: 'TIMEOUT' } });
    const statuses = (await allEvents(store, p)).map((e) => e.event.status);
    expect(statuses).toEqual(['PENDING', 'PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL', 'SENT', 'TIMEOUT']);
  });

  it('a SENT command acknowledged after ackTimeout but before the sweep still counts', async () => {
    await service.createCommand(cmd());
    const taken = await service.takeNext(ref);
    clock.advance(999);
    const command = taken.command as Command;
    expect((await store.sweep(store.partitionOf(ref), clock.now(), HOUR_MS)).timedOut).toBe(0);
    expect((await service.markDelivered(command)).applied).toBe(true);
  });
});
