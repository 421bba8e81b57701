import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, type ErrorKey } from '../src/errors.js';
import { newId } from '../src/ids.js';
import { LEGAL_FROM } from '../src/lifecycle.js';
import type { Command, CommandStatus, Device, DeviceRef } from '../src/model.js';
import type { CommandRecord, CommandStore, EventEntry } from '../src/store.js';

export interface StoreFactoryOptions {
  sweepBatch?: number;
}

/** Makes an empty store of its own (fresh key prefix for Redis) and the means to drop it. */
export type StoreFactory = (
  options?: StoreFactoryOptions,
) => Promise<{ store: CommandStore; dispose(): Promise<void> }>;

export const T0 = 1_700_000_000_000;
const DAY = 24 * 60 * 60 * 1000;
const PAGE = { limit: 50, offset: 0 };

export function device(ref: DeviceRef, overrides: Partial<Device> = {}): Device {
  return {
    ...ref,
    nodeId: `node-${ref.deviceId}`,
    productId: 'prod-a',
    gatewayId: ref.deviceId,
    createdAt: T0,
    ...overrides,
  };
}

export function record(ref: DeviceRef, overrides: Partial<CommandRecord> = {}): CommandRecord {
  return {
    ...ref,
    commandId: newId(),
    paras: { value: 'ON' },
    sendStrategy: 'delay',
    status: 'PENDING',
    expireTime: 0,
    createdAt: T0,
    expiresAt: T0 + DAY,
    ...overrides,
  };
}

export async function expectAppError(promise: Promise<unknown>, key: ErrorKey): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).key).toBe(key);
}

/** The conformance suite every CommandStore implementation must pass. */
export function describeStoreConformance(name: string, factory: StoreFactory): void {
  describe(`CommandStore conformance: ${name}`, () => {
    let store: CommandStore;
    let dispose: () => Promise<void>;
    const ref = { projectId: 'proj1', deviceId: 'dev1' };

    const use = async (options?: StoreFactoryOptions) => {
      await dispose?.();
      ({ store, dispose } = await factory(options));
      return store;
    };

    beforeEach(async () => {
      ({ store, dispose } = await factory());
      await store.addDevice(device(ref));
    });

    afterEach(async () => {
      await dispose();
    });

    const statuses = async (commandId: string): Promise<CommandStatus[]> =>
      (await allEvents(store, store.partitionOf(ref)))
        .filter((e) => e.event.commandId === commandId)
        .map((e) => e.event.status);

    const send = async (id: string, at: number, deadline: number) => {
      const outcome = await store.transition(
        { ...ref, commandId: id },
        { to: 'SENT', from: LEGAL_FROM.SENT, at, deadline },
      );
      expect(outcome.applied).toBe(true);
    };

    describe('devices', () => {
      it('stores, reads and finds a device by node id', async () => {
        const other = device(
          { projectId: 'proj1', deviceId: 'dev2' },
          { deviceName: 'pump', description: 'basement', secret: 'abcd', gatewayId: 'gw9', createdAt: T0 + 5 },
        );
        await store.addDevice(other);
        expect(await store.getDevice(other)).toEqual(other);
        expect(await store.findDeviceByNodeId(other.nodeId)).toEqual(other);
        expect(await store.getDevice({ projectId: 'proj2', deviceId: 'dev2' })).toBeUndefined();
        expect(await store.findDeviceByNodeId('nope')).toBeUndefined();
      });

      it('rejects a duplicate device and a duplicate node id, and rolls back a rejected claim', async () => {
        await expectAppError(store.addDevice(device(ref)), 'DEVICE_EXISTS');
        // Same device id, new node id: DEVICE_EXISTS, and the new node id must stay free.
        await expectAppError(store.addDevice(device(ref, { nodeId: 'fresh-node' })), 'DEVICE_EXISTS');
        expect(await store.findDeviceByNodeId('fresh-node')).toBeUndefined();
        await store.addDevice(device({ projectId: 'proj1', deviceId: 'dev3' }, { nodeId: 'fresh-node' }));
        expect((await store.findDeviceByNodeId('fresh-node'))?.deviceId).toBe('dev3');
        // node ids are unique across projects.
        await expectAppError(
          store.addDevice(device({ projectId: 'proj2', deviceId: 'devX' }, { nodeId: 'node-dev1' })),
          'NODE_ID_EXISTS',
        );
        expect(await store.getDevice({ projectId: 'proj2', deviceId: 'devX' })).toBeUndefined();
        // The original device still owns its node id.
        expect((await store.findDeviceByNodeId('node-dev1'))?.deviceId).toBe('dev1');
      });

      it('reads the device claiming a node id from the node index alone', async () => {
        expect(await store.findDeviceRefByNodeId('node-dev1')).toEqual(ref);
        expect(await store.findDeviceRefByNodeId('nope')).toBeUndefined();
        await store.deleteDevice(ref);
        expect(await store.findDeviceRefByNodeId('node-dev1')).toBeUndefined();
      });

      it('deletes a device and frees its node id', async () => {
        expect(await store.deleteDevice(ref)).toBe(true);
        expect(await store.getDevice(ref)).toBeUndefined();
        expect(await store.findDeviceByNodeId('node-dev1')).toBeUndefined();
        expect(await store.deleteDevice(ref)).toBe(false);
        expect((await store.listDevices('proj1', {}, PAGE)).count).toBe(0);
        await store.addDevice(device({ projectId: 'proj1', deviceId: 'other' }, { nodeId: 'node-dev1' }));
        expect((await store.findDeviceByNodeId('node-dev1'))?.deviceId).toBe('other');
      });

      it('lists devices newest first with marker, offset, filters and without secrets', async () => {
        await use();
        const made: Device[] = [];
        for (let i = 0; i < 6; i++) {
          const d = device(
            { projectId: 'p', deviceId: `d${i}` },
            {
              productId: i % 2 ? 'odd' : 'even',
              gatewayId: i < 3 ? 'gwA' : 'gwB',
              deviceName: `name${i % 3}`,
              createdAt: T0 + i * 1000,
              secret: 'feed',
            },
          );
          await store.addDevice(d);
          made.push(d);
        }
        await store.addDevice(device({ projectId: 'q', deviceId: 'elsewhere' }));
        const ids = (page: { items: Device[] }) => page.items.map((d) => d.deviceId);

        const all = await store.listDevices('p', {}, PAGE);
        expect(ids(all)).toEqual(['d5', 'd4', 'd3', 'd2', 'd1', 'd0']);
        expect(all.count).toBe(6);
        expect(all.items.every((d) => d.secret === undefined)).toBe(true);
        const { secret: _secret, ...listed } = made[5] as Device;
        expect(all.items[0]).toEqual(listed);

        const first = await store.listDevices('p', {}, { limit: 2, offset: 0 });
        expect(ids(first)).toEqual(['d5', 'd4']);
        expect(first.count).toBe(6);
        expect(first.marker).toBeDefined();
        const second = await store.listDevices('p', {}, { limit: 2, offset: 0, marker: first.marker });
        expect(ids(second)).toEqual(['d3', 'd2']);
        const skipped = await store.listDevices('p', {}, { limit: 2, offset: 1, marker: first.marker });
        expect(ids(skipped)).toEqual(['d2', 'd1']);
        expect(skipped.count).toBe(6);
        const end = await store.listDevices('p', {}, { limit: 2, offset: 10 });
        expect(end.items).toEqual([]);
        expect(end.marker).toBeUndefined();

        expect(ids(await store.listDevices('p', { productId: 'odd' }, PAGE))).toEqual(['d5', 'd3', 'd1']);
        expect(ids(await store.listDevices('p', { gatewayId: 'gwA' }, PAGE))).toEqual(['d2', 'd1', 'd0']);
        expect(ids(await store.listDevices('p', { deviceName: 'name1' }, PAGE))).toEqual(['d4', 'd1']);
        expect(ids(await store.listDevices('p', { nodeId: 'node-d3' }, PAGE))).toEqual(['d3']);
        expect(ids(await store.listDevices('q', { nodeId: 'node-d3' }, PAGE))).toEqual([]);
        const range = await store.listDevices('p', { startTime: T0 + 1000, endTime: T0 + 3000 }, PAGE);
        expect(ids(range)).toEqual(['d3', 'd2', 'd1']);
        expect(range.count).toBe(3);
        const filteredPage = await store.listDevices('p', { productId: 'even' }, { limit: 1, offset: 0 });
        expect(ids(filteredPage)).toEqual(['d4']);
        expect(filteredPage.count).toBe(3);
        const filteredNext = await store.listDevices(
          'p',
          { productId: 'even' },
          { limit: 5, offset: 0, marker: filteredPage.marker },
        );
        expect(ids(filteredNext)).toEqual(['d2', 'd0']);
      });
    });

    describe('commands', () => {
      it('creates PENDING, SENT and FAILED commands and reads them back', async () => {
        const pending = await store.createCommand(record(ref, { serviceId: 'Switch', commandName: 'ON_OFF' }), 20);
        expect(pending).toMatchObject({
          status: 'PENDING',
          serviceId: 'Switch',
          commandName: 'ON_OFF',
          paras: { value: 'ON' },
        });
        expect(pending.sentAt).toBeUndefined();
        expect(await store.getCommand(pending)).toEqual(pending);

        const sent = await store.createCommand(
          record(ref, { status: 'SENT', sendStrategy: 'immediately', createdAt: T0 + 1, deadline: T0 + 1000 }),
          20,
        );
        expect(sent.status).toBe('SENT');
        expect(sent.sentAt).toBe(T0 + 1);
        expect(await store.getCommand(sent)).toEqual(sent);

        const failed = await store.createCommand(record(ref, { status: 'FAILED', sendStrategy: 'immediately' }), 20);
        expect(await store.getCommand(failed)).toEqual(failed);
        expect(failed.sentAt).toBeUndefined();

        const history = await store.listHistory(ref, {}, PAGE);
        expect(history.items.map((c) => c.commandId)).toEqual([failed.commandId]);
        const queue = await store.listQueue(ref, {}, PAGE);
        expect(queue.items.map((c) => c.commandId)).toEqual([sent.commandId, pending.commandId]);
        expect(await statuses(pending.commandId)).toEqual(['PENDING']);
        expect(await statuses(sent.commandId)).toEqual(['SENT']);
        expect(await statuses(failed.commandId)).toEqual(['FAILED']);
      });

      it('keeps large paras and nested JSON intact', async () => {
        const paras = { blob: 'x'.repeat(3000), nested: { list: [1, 2.5, 'three', null, {}], empty: [] }, ü: 'ünï' };
        const created = await store.createCommand(record(ref, { paras }), 20);
        expect((await store.getCommand(created))?.paras).toEqual(paras);
        expect((await store.listQueue(ref, {}, PAGE)).items[0]?.paras).toEqual(paras);
      });

      it('hands out short paras and results exactly, whatever characters they hold', async () => {
        const paras = { text: 'ünï "quoted" \\ back/slash \u0001 \u2028 😀', n: -0.5, flag: false, none: null };
        const created = await store.createCommand(record(ref, { paras }), 20);
        const taken = await store.takeNextForDelivery(ref, T0 + 10, T0 + 40);
        expect(taken.command).toMatchObject({ commandId: created.commandId, paras });
        const result = { errcode: 0, body: { echo: paras.text } };
        const done = await store.transition(created, { to: 'SUCCESSFUL', from: ['SENT'], at: T0 + 20, result });
        expect(done).toMatchObject({ applied: true, command: { status: 'SUCCESSFUL', paras, result } });
      });

      it('rejects a command for an unknown device', async () => {
        await expectAppError(
          store.createCommand(record({ projectId: 'proj1', deviceId: 'ghost' }), 20),
          'DEVICE_NOT_FOUND',
        );
        await expectAppError(
          store.createCommand(record({ projectId: 'proj1', deviceId: 'ghost' }, { status: 'FAILED' }), 20),
          'DEVICE_NOT_FOUND',
        );
      });

      it('finds a command only under its own device', async () => {
        const other = { projectId: 'proj1', deviceId: 'dev2' };
        await store.addDevice(device(other));
        const created = await store.createCommand(record(ref), 20);
        expect(await store.getCommand({ ...other, commandId: created.commandId })).toBeUndefined();
        expect(await store.getCommand({ ...ref, commandId: newId() })).toBeUndefined();
        const outcome = await store.transition(
          { ...other, commandId: created.commandId },
          { to: 'EXPIRED', from: LEGAL_FROM.EXPIRED, at: T0 },
        );
        expect(outcome).toEqual({ applied: false, reason: 'not_found' });
      });

      it('caps PENDING commands atomically: 100 concurrent creates → 20 PENDING, 80 COMMAND_CACHE_FULL', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) => store.createCommand(record(ref, { createdAt: T0 + i }), 20)),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        const full = results.filter(
          (r) => r.status === 'rejected' && r.reason instanceof AppError && r.reason.key === 'COMMAND_CACHE_FULL',
        );
        expect(ok).toHaveLength(20);
        expect(full).toHaveLength(80);
        const queue = await store.listQueue(ref, { status: 'PENDING' }, PAGE);
        expect(queue.count).toBe(20);
        // The cap counts PENDING only: an immediate command is still accepted.
        const sent = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 1 }), 20);
        expect(sent.status).toBe('SENT');
        // Rejected creates left no trace in the event log.
        expect((await allEvents(store, store.partitionOf(ref))).length).toBe(21);
      });

      it('pages the queue newest first with marker and offset; count ignores paging; filters apply', async () => {
        const made: Command[] = [];
        for (let i = 0; i < 7; i++) {
          made.push(
            await store.createCommand(
              record(ref, { createdAt: T0 + i * 1000, commandName: i % 2 ? 'odd' : 'even' }),
              20,
            ),
          );
        }
        await send(made[6]?.commandId ?? '', T0 + 10_000, T0 + 60_000);
        const ids = (page: { items: Command[] }) => page.items.map((c) => c.commandId);
        const newestFirst = made.map((c) => c.commandId).reverse();

        const all = await store.listQueue(ref, {}, PAGE);
        expect(ids(all)).toEqual(newestFirst);
        expect(all.count).toBe(7);
        expect(all.marker).toBe(newestFirst[6]);

        const first = await store.listQueue(ref, {}, { limit: 3, offset: 0 });
        expect(ids(first)).toEqual(newestFirst.slice(0, 3));
        expect(first.count).toBe(7);
        expect(first.marker).toBe(newestFirst[2]);
        const second = await store.listQueue(ref, {}, { limit: 3, offset: 0, marker: first.marker });
        expect(ids(second)).toEqual(newestFirst.slice(3, 6));
        expect(second.count).toBe(7);
        const offset = await store.listQueue(ref, {}, { limit: 3, offset: 2, marker: first.marker });
        expect(ids(offset)).toEqual(newestFirst.slice(5, 7));
        const past = await store.listQueue(ref, {}, { limit: 3, offset: 0, marker: newestFirst[6] });
        expect(past).toEqual({ items: [], count: 7 });

        expect(ids(await store.listQueue(ref, { status: 'SENT' }, PAGE))).toEqual([newestFirst[0]]);
        const pendingOdd = await store.listQueue(ref, { status: 'PENDING', commandName: 'odd' }, PAGE);
        expect(pendingOdd.items.map((c) => c.createdAt)).toEqual([T0 + 5000, T0 + 3000, T0 + 1000]);
        expect(pendingOdd.count).toBe(3);
        const range = await store.listQueue(ref, { startTime: T0 + 2000, endTime: T0 + 4000 }, { limit: 2, offset: 0 });
        expect(range.items.map((c) => c.createdAt)).toEqual([T0 + 4000, T0 + 3000]);
        expect(range.count).toBe(3);
        expect((await store.listQueue(ref, { startTime: T0 + 2000 }, PAGE)).count).toBe(5);
        expect((await store.listQueue(ref, { endTime: T0 + 2000 }, PAGE)).count).toBe(3);
      });

      it('pages and counts the history with and without filters', async () => {
        const made: Command[] = [];
        for (let i = 0; i < 6; i++) {
          const status = i % 3 === 0 ? 'FAILED' : 'SENT';
          const created = await store.createCommand(
            record(ref, { status, createdAt: T0 + i * 1000, commandName: i < 3 ? 'a' : 'b', deadline: T0 + DAY }),
            20,
          );
          if (status === 'SENT') {
            await store.transition(created, { to: 'SUCCESSFUL', from: LEGAL_FROM.SUCCESSFUL, at: T0 + 50_000 });
          }
          made.push(created);
        }
        await store.createCommand(record(ref), 20); // still queued: not history
        const newestFirst = made.map((c) => c.commandId).reverse();
        const ids = (page: { items: Command[] }) => page.items.map((c) => c.commandId);

        const first = await store.listHistory(ref, {}, { limit: 4, offset: 0 });
        expect(ids(first)).toEqual(newestFirst.slice(0, 4));
        expect(first.count).toBe(6);
        const next = await store.listHistory(ref, {}, { limit: 4, offset: 1, marker: first.marker });
        expect(ids(next)).toEqual(newestFirst.slice(5));
        expect(next.count).toBe(6);

        const failed = await store.listHistory(ref, { status: 'FAILED' }, { limit: 1, offset: 0 });
        expect(ids(failed)).toEqual([newestFirst[2]]);
        expect(failed.count).toBe(2);
        const failedNext = await store.listHistory(
          ref,
          { status: 'FAILED' },
          { limit: 1, offset: 0, marker: failed.marker },
        );
        expect(ids(failedNext)).toEqual([newestFirst[5]]);
        expect(ids(await store.listHistory(ref, { commandName: 'b', status: 'SUCCESSFUL' }, PAGE))).toEqual(
          newestFirst.slice(0, 2),
        );

        expect(await store.countHistory(ref, {})).toBe(6);
        expect(await store.countHistory(ref, { status: 'SUCCESSFUL' })).toBe(4);
        expect(await store.countHistory(ref, { commandName: 'a' })).toBe(3);
        expect(await store.countHistory(ref, { startTime: T0 + 1000, endTime: T0 + 2000 })).toBe(2);
        expect(await store.countHistory(ref, { status: 'EXPIRED' })).toBe(0);
        expect(await store.countHistory({ projectId: 'proj1', deviceId: 'ghost' }, {})).toBe(0);
      });
    });

    describe('transitions', () => {
      it('stamps the time of each status and stores the result', async () => {
        const created = await store.createCommand(record(ref), 20);
        await send(created.commandId, T0 + 100, T0 + 30_100);
        const delivered = await store.transition(created, {
          to: 'DELIVERED',
          from: LEGAL_FROM.DELIVERED,
          at: T0 + 200,
          deadline: T0 + 60_200,
        });
        expect(delivered).toMatchObject({
          applied: true,
          command: { status: 'DELIVERED', sentAt: T0 + 100, deliveredAt: T0 + 200 },
        });
        const result = { code: 200, detail: 'y'.repeat(200) };
        const done = await store.transition(created, {
          to: 'SUCCESSFUL',
          from: LEGAL_FROM.SUCCESSFUL,
          at: T0 + 300,
          result,
        });
        expect(done.applied).toBe(true);
        const expected = {
          ...created,
          status: 'SUCCESSFUL',
          sentAt: T0 + 100,
          deliveredAt: T0 + 200,
          respondedAt: T0 + 300,
          result,
        };
        expect(done.applied && done.command).toEqual(expected);
        expect(await store.getCommand(created)).toEqual(expected);
        expect((await store.listQueue(ref, {}, PAGE)).count).toBe(0);
        expect((await store.listHistory(ref, {}, PAGE)).items).toEqual([expected]);
      });

      it('FAILED straight from SENT stamps respondedAt with a short result', async () => {
        const created = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 10 }), 20);
        const failed = await store.transition(created, {
          to: 'FAILED',
          from: LEGAL_FROM.FAILED,
          at: T0 + 5,
          result: { code: 404 },
        });
        expect(failed).toMatchObject({
          applied: true,
          command: { status: 'FAILED', respondedAt: T0 + 5, result: { code: 404 } },
        });
      });

      it('refuses illegal transitions, leaving the record and the event log unchanged', async () => {
        const created = await store.createCommand(record(ref), 20);
        const before = await store.getCommand(created);
        const eventsBefore = await allEvents(store, store.partitionOf(ref));
        expect(
          await store.transition(created, {
            to: 'DELIVERED',
            from: LEGAL_FROM.DELIVERED,
            at: T0 + 1,
            deadline: T0 + 2,
          }),
        ).toEqual({ applied: false, reason: 'illegal', current: 'PENDING' });
        expect(
          await store.transition(created, {
            to: 'SUCCESSFUL',
            from: LEGAL_FROM.SUCCESSFUL,
            at: T0 + 1,
            result: { a: 1 },
          }),
        ).toEqual({ applied: false, reason: 'illegal', current: 'PENDING' });
        expect(await store.getCommand(created)).toEqual(before);

        await store.transition(created, { to: 'EXPIRED', from: LEGAL_FROM.EXPIRED, at: T0 + 3 });
        const expired = await store.getCommand(created);
        expect(expired?.status).toBe('EXPIRED');
        expect(
          await store.transition(created, { to: 'SENT', from: LEGAL_FROM.SENT, at: T0 + 4, deadline: T0 + 9 }),
        ).toEqual({
          applied: false,
          reason: 'illegal',
          current: 'EXPIRED',
        });
        expect(await store.getCommand(created)).toEqual(expired);
        expect((await allEvents(store, store.partitionOf(ref))).length).toBe(eventsBefore.length + 1);
        expect(
          await store.transition({ ...ref, commandId: newId() }, { to: 'TIMEOUT', from: LEGAL_FROM.TIMEOUT, at: 1 }),
        ).toEqual({ applied: false, reason: 'not_found' });
      });
    });

    describe('take next for delivery', () => {
      it('delivers in creation order, one at a time', async () => {
        const a = await store.createCommand(record(ref, { createdAt: T0 }), 20);
        const b = await store.createCommand(record(ref, { createdAt: T0 + 1 }), 20);
        const first = await store.takeNextForDelivery(ref, T0 + 10, T0 + 40);
        expect(first.busy).toBe(false);
        expect(first.expired).toBe(0);
        expect(first.command).toEqual({ ...a, status: 'SENT', sentAt: T0 + 10 });
        expect(await store.getCommand(a)).toEqual(first.command);

        expect(await store.takeNextForDelivery(ref, T0 + 11, T0 + 41)).toEqual({ busy: true, expired: 0 });
        await store.transition(a, { to: 'DELIVERED', from: LEGAL_FROM.DELIVERED, at: T0 + 12, deadline: T0 + 99 });
        expect((await store.takeNextForDelivery(ref, T0 + 13, T0 + 43)).busy).toBe(true);
        await store.transition(a, { to: 'SUCCESSFUL', from: LEGAL_FROM.SUCCESSFUL, at: T0 + 14 });

        const second = await store.takeNextForDelivery(ref, T0 + 15, T0 + 45);
        expect(second.command?.commandId).toBe(b.commandId);
        await store.transition(b, { to: 'FAILED', from: LEGAL_FROM.FAILED, at: T0 + 16 });
        expect(await store.takeNextForDelivery(ref, T0 + 17, T0 + 47)).toEqual({ busy: false, expired: 0 });
        expect(await store.takeNextForDelivery({ projectId: 'x', deviceId: 'y' }, T0, T0)).toEqual({
          busy: false,
          expired: 0,
        });
      });

      it('turns overdue PENDING commands EXPIRED on the way and sends the next one', async () => {
        const old1 = await store.createCommand(record(ref, { createdAt: T0, expiresAt: T0 + 100 }), 20);
        const old2 = await store.createCommand(record(ref, { createdAt: T0 + 1, expiresAt: T0 + 200 }), 20);
        const fresh = await store.createCommand(record(ref, { createdAt: T0 + 2, expiresAt: T0 + DAY }), 20);
        const taken = await store.takeNextForDelivery(ref, T0 + 200, T0 + 300);
        expect(taken.expired).toBe(2);
        expect(taken.command?.commandId).toBe(fresh.commandId);
        expect((await store.getCommand(old1))?.status).toBe('EXPIRED');
        expect((await store.getCommand(old2))?.status).toBe('EXPIRED');
        expect((await store.getCommand(old2))?.sentAt).toBeUndefined();
        expect(await statuses(old1.commandId)).toEqual(['PENDING', 'EXPIRED']);
        expect(await statuses(fresh.commandId)).toEqual(['PENDING', 'SENT']);
        expect((await store.listHistory(ref, {}, PAGE)).items.map((c) => c.commandId)).toEqual([
          old2.commandId,
          old1.commandId,
        ]);
      });

      it('a SENT command that times out frees the device for the next one', async () => {
        await store.createCommand(record(ref, { createdAt: T0 }), 20);
        const b = await store.createCommand(record(ref, { createdAt: T0 + 1 }), 20);
        await store.takeNextForDelivery(ref, T0 + 10, T0 + 40);
        await store.sweep(store.partitionOf(ref), T0 + 40, DAY);
        expect((await store.takeNextForDelivery(ref, T0 + 50, T0 + 80)).command?.commandId).toBe(b.commandId);
      });
    });

    describe('transition, then take next in the same unit', () => {
      const result = (at: number, deadline: number) =>
        ({ to: 'SUCCESSFUL', from: LEGAL_FROM.SUCCESSFUL, at, result: { code: 0 }, takeNext: { deadline } }) as const;

      it('ends the command in flight and sends the next one, each change with its one event', async () => {
        const a = await store.createCommand(record(ref, { createdAt: T0 }), 20);
        const b = await store.createCommand(record(ref, { createdAt: T0 + 1 }), 20);
        await store.takeNextForDelivery(ref, T0 + 10, T0 + 40);
        await store.transition(a, { to: 'DELIVERED', from: LEGAL_FROM.DELIVERED, at: T0 + 11, deadline: T0 + 99 });
        const eventsBefore = await allEvents(store, store.partitionOf(ref));

        const outcome = await store.transition(a, result(T0 + 20, T0 + 50));
        expect(outcome).toMatchObject({ applied: true, command: { status: 'SUCCESSFUL', respondedAt: T0 + 20 } });
        expect(outcome.next).toEqual({ busy: false, expired: 0, command: { ...b, status: 'SENT', sentAt: T0 + 20 } });
        expect(await store.getCommand(b)).toEqual(outcome.next?.command);
        const added = (await allEvents(store, store.partitionOf(ref))).slice(eventsBefore.length);
        expect(added.map((e) => [e.event.commandId, e.event.status])).toEqual([
          [a.commandId, 'SUCCESSFUL'],
          [b.commandId, 'SENT'],
        ]);
        // The take used the given ack deadline: the sweeper times b out there, not before.
        expect(await store.sweep(store.partitionOf(ref), T0 + 49, DAY)).toMatchObject({ timedOut: 0 });
        expect(await store.sweep(store.partitionOf(ref), T0 + 50, DAY)).toMatchObject({ timedOut: 1 });
      });

      it('passes a result through DELIVERED when its acknowledgement was not recorded, with both events', async () => {
        const a = await store.createCommand(record(ref, { createdAt: T0 }), 20);
        const b = await store.createCommand(record(ref, { createdAt: T0 + 1 }), 20);
        await store.takeNextForDelivery(ref, T0 + 10, T0 + 40);
        const eventsBefore = await allEvents(store, store.partitionOf(ref));

        const outcome = await store.transition(a, { ...result(T0 + 20, T0 + 50), deliveredAt: T0 + 15 });
        expect(outcome).toMatchObject({
          applied: true,
          command: { status: 'SUCCESSFUL', sentAt: T0 + 10, deliveredAt: T0 + 15, respondedAt: T0 + 20 },
        });
        expect(outcome.next?.command?.commandId).toBe(b.commandId);
        const added = (await allEvents(store, store.partitionOf(ref))).slice(eventsBefore.length);
        expect(added.map((e) => [e.event.commandId, e.event.status, e.event.at])).toEqual([
          [a.commandId, 'DELIVERED', T0 + 15],
          [a.commandId, 'SUCCESSFUL', T0 + 20],
          [b.commandId, 'SENT', T0 + 20],
        ]);
        expect(added[0]?.event).toMatchObject({ deliveredAt: T0 + 15 });
        expect(added[0]?.event.respondedAt).toBeUndefined();

        // Already DELIVERED: the result alone, the recorded acknowledgement kept.
        await store.transition(b, { to: 'DELIVERED', from: LEGAL_FROM.DELIVERED, at: T0 + 21, deadline: T0 + 99 });
        const again = await store.transition(b, { ...result(T0 + 30, T0 + 60), deliveredAt: T0 + 25 });
        expect(again).toMatchObject({ applied: true, command: { status: 'SUCCESSFUL', deliveredAt: T0 + 21 } });
        const last = (await allEvents(store, store.partitionOf(ref))).slice(eventsBefore.length + added.length);
        expect(last.map((e) => e.event.status)).toEqual(['DELIVERED', 'SUCCESSFUL']);
      });

      it('expires overdue commands at dequeue, as takeNextForDelivery does', async () => {
        const a = await store.createCommand(record(ref, { createdAt: T0, status: 'SENT', deadline: T0 + DAY }), 20);
        const old = await store.createCommand(record(ref, { createdAt: T0 + 1, expiresAt: T0 + 100 }), 20);
        const fresh = await store.createCommand(record(ref, { createdAt: T0 + 2 }), 20);
        const outcome = await store.transition(a, {
          to: 'TIMEOUT',
          from: LEGAL_FROM.TIMEOUT,
          at: T0 + 100,
          takeNext: { deadline: T0 + 200 },
        });
        expect(outcome.applied).toBe(true);
        expect(outcome.next?.expired).toBe(1);
        expect(outcome.next?.command?.commandId).toBe(fresh.commandId);
        expect(await statuses(old.commandId)).toEqual(['PENDING', 'EXPIRED']);
        expect((await store.getCommand(old))?.sentAt).toBeUndefined();
        expect(await statuses(a.commandId)).toEqual(['SENT', 'TIMEOUT']);
      });

      it('waits while another command is in flight, and takes nothing from an empty queue', async () => {
        const a = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + DAY }), 20);
        const other = await store.createCommand(
          record(ref, { status: 'SENT', createdAt: T0 + 1, deadline: T0 + DAY }),
          20,
        );
        const queued = await store.createCommand(record(ref, { createdAt: T0 + 2 }), 20);
        const busy = await store.transition(a, result(T0 + 5, T0 + 50));
        expect(busy.applied).toBe(true);
        expect(busy.next).toEqual({ busy: true, expired: 0 });
        expect((await store.getCommand(queued))?.status).toBe('PENDING');

        const done = await store.transition(other, result(T0 + 6, T0 + 50));
        expect(done.next?.command?.commandId).toBe(queued.commandId);
        const last = await store.transition(queued, result(T0 + 7, T0 + 50));
        expect(last.next).toEqual({ busy: false, expired: 0 });
      });

      it('takes the next command even when the change is refused (a late or repeated result)', async () => {
        const a = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 10 }), 20);
        const b = await store.createCommand(record(ref, { createdAt: T0 + 1 }), 20);
        await store.sweep(store.partitionOf(ref), T0 + 10, DAY);
        const late = await store.transition(a, result(T0 + 20, T0 + 60));
        expect(late).toMatchObject({ applied: false, reason: 'illegal', current: 'TIMEOUT' });
        expect(late.next?.command).toMatchObject({ commandId: b.commandId, status: 'SENT', sentAt: T0 + 20 });
        expect(await statuses(a.commandId)).toEqual(['SENT', 'TIMEOUT']);

        const unknown = await store.transition({ ...ref, commandId: newId() }, result(T0 + 30, T0 + 60));
        expect(unknown).toMatchObject({ applied: false, reason: 'not_found', next: { busy: true, expired: 0 } });
      });

      it('answers a brief change without the command, and still with the command taken', async () => {
        const a = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 10 }), 20);
        const b = await store.createCommand(record(ref, { createdAt: T0 + 1 }), 20);
        const delivered = await store.transition(a, {
          to: 'DELIVERED',
          from: LEGAL_FROM.DELIVERED,
          at: T0 + 2,
          deadline: T0 + 90,
          brief: true,
        });
        expect(delivered).toEqual({ applied: true });
        expect(await store.getCommand(a)).toMatchObject({ status: 'DELIVERED', deliveredAt: T0 + 2 });
        const again = await store.transition(a, {
          to: 'DELIVERED',
          from: LEGAL_FROM.DELIVERED,
          at: T0 + 3,
          deadline: T0 + 90,
          brief: true,
        });
        expect(again).toEqual({ applied: false, reason: 'illegal', current: 'DELIVERED' });
        const done = await store.transition(a, { ...result(T0 + 4, T0 + 60), brief: true });
        expect(done).toEqual({
          applied: true,
          next: { busy: false, expired: 0, command: { ...b, status: 'SENT', sentAt: T0 + 4 } },
        });
        expect(await store.getCommand(a)).toMatchObject({ status: 'SUCCESSFUL', result: { code: 0 } });
        expect(await statuses(a.commandId)).toEqual(['SENT', 'DELIVERED', 'SUCCESSFUL']);
      });

      it('reports no take when none was asked for', async () => {
        const a = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 10 }), 20);
        await store.createCommand(record(ref, { createdAt: T0 + 1 }), 20);
        const outcome = await store.transition(a, { to: 'SUCCESSFUL', from: LEGAL_FROM.SUCCESSFUL, at: T0 + 5 });
        expect(outcome.applied).toBe(true);
        expect('next' in outcome).toBe(false);
        expect((await store.listQueue(ref, { status: 'PENDING' }, PAGE)).count).toBe(1);
      });
    });

    describe('sweep', () => {
      it('expires overdue PENDING and times out SENT and DELIVERED past their deadline, once', async () => {
        const p = store.partitionOf(ref);
        const pendingOld = await store.createCommand(record(ref, { expiresAt: T0 + 100 }), 20);
        const pendingNew = await store.createCommand(record(ref, { expiresAt: T0 + 10_000 }), 20);
        const sentOld = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 100 }), 20);
        const sentNew = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 10_000 }), 20);
        const delivered = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 50 }), 20);
        await store.transition(delivered, {
          to: 'DELIVERED',
          from: LEGAL_FROM.DELIVERED,
          at: T0 + 20,
          deadline: T0 + 100,
        });

        expect(await store.sweep(p, T0 + 99, DAY)).toMatchObject({ expired: 0, timedOut: 0, purged: 0 });
        // Boundary: a command is overdue at its deadline / expiry time.
        expect(await store.sweep(p, T0 + 100, DAY)).toMatchObject({ expired: 1, timedOut: 2, purged: 0, more: false });
        expect((await store.getCommand(pendingOld))?.status).toBe('EXPIRED');
        expect((await store.getCommand(sentOld))?.status).toBe('TIMEOUT');
        const timedOut = await store.getCommand(delivered);
        expect(timedOut).toMatchObject({ status: 'TIMEOUT', deliveredAt: T0 + 20 });
        expect(timedOut?.respondedAt).toBeUndefined();
        expect((await store.getCommand(pendingNew))?.status).toBe('PENDING');
        expect((await store.getCommand(sentNew))?.status).toBe('SENT');
        expect(await store.sweep(p, T0 + 100, DAY)).toMatchObject({ expired: 0, timedOut: 0, purged: 0 });
        expect(await statuses(delivered.commandId)).toEqual(['SENT', 'DELIVERED', 'TIMEOUT']);
        expect(await statuses(pendingOld.commandId)).toEqual(['PENDING', 'EXPIRED']);
        const byId = (await allEvents(store, p)).find(
          (e) => e.event.commandId === sentOld.commandId && e.event.status === 'TIMEOUT',
        );
        expect(byId?.event.at).toBe(T0 + 100);
        expect(await store.countHistory(ref, {})).toBe(3);
      });

      it('does not touch commands the device already finished', async () => {
        const sent = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 100 }), 20);
        await store.transition(sent, { to: 'SUCCESSFUL', from: LEGAL_FROM.SUCCESSFUL, at: T0 + 50 });
        expect(await store.sweep(store.partitionOf(ref), T0 + 1000, DAY)).toMatchObject({ timedOut: 0 });
        expect((await store.getCommand(sent))?.status).toBe('SUCCESSFUL');
      });

      it('purges finished commands past retention with their index entries', async () => {
        const p = store.partitionOf(ref);
        const retention = 1000;
        const done = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + DAY }), 20);
        await store.transition(done, {
          to: 'SUCCESSFUL',
          from: LEGAL_FROM.SUCCESSFUL,
          at: T0 + 500,
          result: { big: 'z'.repeat(100) },
        });
        const failed = await store.createCommand(
          record(ref, { status: 'FAILED', createdAt: T0 + 800, paras: { big: 'q'.repeat(300) } }),
          20,
        );
        const queued = await store.createCommand(record(ref, { expiresAt: T0 + DAY }), 20);

        expect((await store.sweep(p, T0 + 1499, retention)).purged).toBe(0);
        expect(await store.getCommand(done)).toBeDefined();
        expect((await store.sweep(p, T0 + 1500, retention)).purged).toBe(1);
        expect(await store.getCommand(done)).toBeUndefined();
        expect(await store.getCommand(failed)).toBeDefined();
        expect((await store.sweep(p, T0 + 1800, retention)).purged).toBe(1);
        expect(await store.getCommand(failed)).toBeUndefined();
        expect(await store.countHistory(ref, {})).toBe(0);
        expect((await store.listHistory(ref, {}, PAGE)).items).toEqual([]);
        expect((await store.getCommand(queued))?.status).toBe('PENDING');
      });

      it('works in bounded batches and reports more work', async () => {
        await use({ sweepBatch: 3 });
        await store.addDevice(device(ref));
        for (let i = 0; i < 7; i++) await store.createCommand(record(ref, { expiresAt: T0 + i }), 20);
        const p = store.partitionOf(ref);
        expect(await store.sweep(p, T0 + 100, DAY)).toMatchObject({ expired: 3, more: true });
        expect(await store.sweep(p, T0 + 100, DAY)).toMatchObject({ expired: 3, more: true });
        expect(await store.sweep(p, T0 + 100, DAY)).toMatchObject({ expired: 1, more: false });
      });

      it('sweeps only the given partition', async () => {
        const p = store.partitionOf(ref);
        const other = [...Array(store.partitions).keys()].find((n) => n !== p) ?? 0;
        await store.createCommand(record(ref, { expiresAt: T0 }), 20);
        expect((await store.sweep(other, T0 + 1, DAY)).expired).toBe(0);
        expect((await store.sweep(p, T0 + 1, DAY)).expired).toBe(1);
      });
    });

    describe('device deletion', () => {
      it('removes the queue, the history and the commands', async () => {
        const queued = await store.createCommand(record(ref, { expiresAt: T0 + 10 }), 20);
        const sent = await store.createCommand(record(ref, { status: 'SENT', deadline: T0 + 10 }), 20);
        const failed = await store.createCommand(record(ref, { status: 'FAILED' }), 20);
        expect(await store.deleteDevice(ref)).toBe(true);
        for (const c of [queued, sent, failed]) expect(await store.getCommand(c)).toBeUndefined();
        await store.addDevice(device(ref));
        expect((await store.listQueue(ref, {}, PAGE)).count).toBe(0);
        expect(await store.countHistory(ref, {})).toBe(0);
        // Nothing is left for the sweeper to find.
        expect(await store.sweep(store.partitionOf(ref), T0 + 10 * DAY, 1)).toMatchObject({
          expired: 0,
          timedOut: 0,
          purged: 0,
        });
        expect(await store.takeNextForDelivery(ref, T0, T0 + 1)).toEqual({ busy: false, expired: 0 });
      });
    });

    describe('events', () => {
      it('logs every change in order with the data a notification needs', async () => {
        const p = store.partitionOf(ref);
        const start = (await allEvents(store, p)).at(-1)?.id ?? '0';
        const created = await store.createCommand(record(ref, { createdAt: T0 }), 20);
        await store.takeNextForDelivery(ref, T0 + 1, T0 + 100);
        await store.transition(created, {
          to: 'DELIVERED',
          from: LEGAL_FROM.DELIVERED,
          at: T0 + 2,
          deadline: T0 + 200,
        });
        await store.transition(created, {
          to: 'SUCCESSFUL',
          from: LEGAL_FROM.SUCCESSFUL,
          at: T0 + 3,
          result: { code: 0 },
        });

        const entries = await store.readEvents(p, start, 100);
        expect(entries.map((e) => e.event.status)).toEqual(['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL']);
        const ids = entries.map((e) => e.id);
        expect(isIncreasing(ids)).toBe(true);
        const header = {
          projectId: 'proj1',
          deviceId: 'dev1',
          commandId: created.commandId,
          nodeId: 'node-dev1',
          productId: 'prod-a',
          gatewayId: 'dev1',
          createdAt: T0,
        };
        expect(entries[0]?.event).toEqual({ ...header, status: 'PENDING', at: T0 });
        expect(entries[1]?.event).toEqual({ ...header, status: 'SENT', at: T0 + 1, sentAt: T0 + 1 });
        expect(entries[2]?.event).toEqual({
          ...header,
          status: 'DELIVERED',
          at: T0 + 2,
          sentAt: T0 + 1,
          deliveredAt: T0 + 2,
        });
        expect(entries[3]?.event).toEqual({
          ...header,
          status: 'SUCCESSFUL',
          at: T0 + 3,
          sentAt: T0 + 1,
          deliveredAt: T0 + 2,
          respondedAt: T0 + 3,
          result: { code: 0 },
        });

        const after = await store.readEvents(p, ids[1] ?? '', 100);
        expect(after.map((e) => e.id)).toEqual(ids.slice(2));
        expect((await store.readEvents(p, start, 2)).map((e) => e.id)).toEqual(ids.slice(0, 2));
        expect(await store.readEvents(p, ids[3] ?? '', 10)).toEqual([]);
        const other = (p + 1) % store.partitions;
        if (other !== p) expect(await store.readEvents(other, '0', 100)).toEqual([]);
      });

      it("carries the device's app id when it has one", async () => {
        const withApp = { projectId: 'proj1', deviceId: 'dev-app' };
        await store.addDevice(device(withApp, { appId: 'app-7' }));
        await store.createCommand(record(withApp), 20);
        const events = (await allEvents(store, store.partitionOf(withApp))).filter(
          (e) => e.event.deviceId === withApp.deviceId,
        );
        expect(events.map((e) => e.event.appId)).toEqual(['app-7']);
      });

      it('keeps every event until it is trimmed through an id, then only the later ones', async () => {
        const p = store.partitionOf(ref);
        for (let i = 0; i < 30; i++) await store.createCommand(record(ref, { status: 'FAILED' }), 20);
        const all = await allEvents(store, p);
        expect(all.length).toBeGreaterThanOrEqual(30);
        const through = all[19]?.id ?? '';
        await store.trimEvents(p, through);
        expect((await allEvents(store, p)).map((e) => e.id)).toEqual(all.slice(20).map((e) => e.id));
        await store.trimEvents(p, all.at(-1)?.id ?? '');
        expect(await allEvents(store, p)).toEqual([]);
        // Trimming past an empty log, or through an id already gone, is harmless.
        await store.trimEvents(p, through);
        await store.createCommand(record(ref, { status: 'FAILED' }), 20);
        expect((await allEvents(store, p)).length).toBe(1);
      });
    });
  });
}

export async function allEvents(store: CommandStore, partition: number): Promise<EventEntry[]> {
  const all: EventEntry[] = [];
  let after = '0';
  for (;;) {
    const batch = await store.readEvents(partition, after, 1000);
    all.push(...batch);
    const last = batch.at(-1);
    if (!last || batch.length < 1000) return all;
    after = last.id;
  }
}

function isIncreasing(ids: string[]): boolean {
  const parse = (id: string) => id.split('-').map(Number) as [number, number];
  return ids.every((id, i) => {
    if (i === 0) return true;
    const [am, as] = parse(ids[i - 1] ?? '');
    const [bm, bs] = parse(id);
    return bm > am || (bm === am && bs > as);
  });
}
