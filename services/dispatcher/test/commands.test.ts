import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, PROJECT, STORE_KINDS, startTestDispatcher, type TestDispatcher, TOKEN } from './harness.js';

const ON = { service_id: 'Switch', command_name: 'ON_OFF', paras: { value: 'ON' } };

describe.each(STORE_KINDS)('async commands over HTTP (%s store)', (kind) => {
  let t: TestDispatcher;
  beforeAll(async () => {
    t = await startTestDispatcher(kind);
  });
  afterAll(() => t.close());

  const path = (device_id: string) => ({ project_id: PROJECT, device_id });
  const create = (device_id: string, body: Record<string, unknown>) =>
    t.api.call('createAsyncCommand', { path: path(device_id), body });

  it('caches a delay command as PENDING and shows it with every field', async () => {
    const device = await addDevice(t.api);
    const created = await create(device, { ...ON, expire_time: 3600, send_strategy: 'delay' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ...ON, device_id: device, status: 'PENDING', expire_time: 3600 });
    expect(created.body.created_time).toMatch(/^\d{8}T\d{6}Z$/);

    const shown = await t.api.call('showAsyncDeviceCommand', {
      path: { ...path(device), command_id: created.body.command_id },
    });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ ...ON, command_id: created.body.command_id, status: 'PENDING', result: null });
  });

  it('fails an immediate command to a device that is not awake, as IoTDA does', async () => {
    const device = await addDevice(t.api);
    const created = await create(device, { ...ON, send_strategy: 'immediately' });
    expect(created.status).toBe(200);
    expect(created.body.status).toBe('FAILED');
    const history = await t.api.call('listAsyncHistoryCommands', { path: path(device) });
    expect(history.body.commands.map((c: { status: string }) => c.status)).toEqual(['FAILED']);
  });

  it('answers 404 for an unknown device and an unknown command', async () => {
    const missing = await create('no-such-device', { ...ON, send_strategy: 'delay' });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('IOTDA.014000');
    const device = await addDevice(t.api);
    const unknown = await t.api.call('showAsyncDeviceCommand', { path: { ...path(device), command_id: 'nope' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('IOTDA.014113');
  });

  it('keeps exactly 20 PENDING commands under 100 concurrent creates', async () => {
    const device = await addDevice(t.api);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => create(device, { paras: { n: i }, send_strategy: 'delay' })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(20);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(80);
    expect(new Set(refused.map((r) => `${r.status} ${r.body.error_code}`))).toEqual(new Set(['400 IOTDA.014114']));
    const queue = await t.api.call('listAsyncCommands', { path: path(device), query: { status: 'PENDING' } });
    expect(queue.body.page.count).toBe(20);
  });

  it.each([
    ['an unknown send_strategy', { paras: {}, send_strategy: 'later' }],
    ['missing paras', { send_strategy: 'delay' }],
    ['paras that are not an object', { paras: 'ON', send_strategy: 'delay' }],
    ['expire_time as a string', { paras: {}, send_strategy: 'delay', expire_time: '60' }],
    ['expire_time over 48 h', { paras: {}, send_strategy: 'delay', expire_time: 172801 }],
    ['a negative expire_time', { paras: {}, send_strategy: 'delay', expire_time: -1 }],
    ['a service_id over 64 characters', { paras: {}, send_strategy: 'delay', service_id: 's'.repeat(65) }],
    ['a command_name over 128 characters', { paras: {}, send_strategy: 'delay', command_name: 'c'.repeat(129) }],
    ['an unknown member', { paras: {}, send_strategy: 'delay', priority: 1 }],
  ])('rejects %s with 400 IOTDA.000006', async (_what, body) => {
    const device = await addDevice(t.api);
    const res = await create(device, body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('IOTDA.000006');
    expect(res.body.error_msg.length).toBeGreaterThan('Invalid input data.'.length);
  });

  it('rejects a device_id outside the pattern, and broken JSON', async () => {
    const bad = await create('bad%20id', { paras: {}, send_strategy: 'delay' });
    expect(bad.status).toBe(400);
    const device = await addDevice(t.api);
    const broken = await t.api.call('createAsyncCommand', { path: path(device), rawBody: '{"paras":' });
    expect(broken.status).toBe(400);
    expect(broken.body.error_code).toBe('IOTDA.000008');
  });

  it('answers 413 for paras over 256 KB and for bodies over the body limit', async () => {
    const device = await addDevice(t.api);
    const paras = await create(device, { paras: { blob: 'x'.repeat(256 * 1024) }, send_strategy: 'delay' });
    expect(paras.status).toBe(413);
    expect(paras.body.error_code).toBe('IOTDA.000024');
    const body = await create(device, { paras: { blob: 'x'.repeat(400 * 1024) }, send_strategy: 'delay' });
    expect(body.status).toBe(413);
  });

  it('answers an over-limit body with 413 on a connection that stays usable, not with a reset', async () => {
    const device = await addDevice(t.api);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const url = new URL(`/v5/iot/${PROJECT}/devices/${device}/async-commands`, t.dispatcher.url);
      const tooLarge = await post(agent, url, ' '.repeat(400 * 1024));
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.connection).not.toBe('close');
      const next = await post(agent, url, JSON.stringify({ paras: {}, send_strategy: 'delay' }));
      expect(next).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it('pages the queue newest first with marker and offset', async () => {
    const device = await addDevice(t.api);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        (await create(device, { paras: { n: i }, command_name: `c${i % 2}`, send_strategy: 'delay' })).body.command_id,
      );
    }
    const newestFirst = [...ids].reverse();
    const first = await t.api.call('listAsyncCommands', { path: path(device), query: { limit: 3 } });
    expect(first.body.commands.map((c: { command_id: string }) => c.command_id)).toEqual(newestFirst.slice(0, 3));
    expect(first.body.page).toEqual({ count: 7, marker: newestFirst[2] });
    const second = await t.api.call('listAsyncCommands', {
      path: path(device),
      query: { limit: 3, offset: 1, marker: first.body.page.marker },
    });
    expect(second.body.commands.map((c: { command_id: string }) => c.command_id)).toEqual(newestFirst.slice(4, 7));
    const filtered = await t.api.call('listAsyncCommands', { path: path(device), query: { command_name: 'c1' } });
    expect(filtered.body.page.count).toBe(3);
    const defaults = await t.api.call('listAsyncCommands', { path: path(device) });
    expect(defaults.body.commands).toHaveLength(7);
  });

  it.each([
    [{ limit: 0 }, 'IOTDA.000017'],
    [{ limit: 51 }, 'IOTDA.000017'],
    [{ offset: 501 }, 'IOTDA.000006'],
    [{ start_time: '2026-11-26T00:00:00Z' }, 'IOTDA.000009'],
    [{ end_time: '20261399T000000Z' }, 'IOTDA.000009'],
    [{ start_time: '20261127T000000Z', end_time: '20261126T000000Z' }, 'IOTDA.000010'],
    [{ status: 'CANCELED' }, 'IOTDA.000006'],
  ])('rejects list query %o with %s', async (query, code) => {
    const device = await addDevice(t.api);
    for (const op of ['listAsyncCommands', 'listAsyncHistoryCommands', 'countAsyncHistoryCommands'] as const) {
      if (op === 'countAsyncHistoryCommands' && ('limit' in query || 'offset' in query)) continue;
      const res = await t.api.call(op, { path: path(device), query });
      expect(res.status, op).toBe(400);
      expect(res.body.error_code, op).toBe(code);
    }
  });

  it('moves finished commands to history with their result and times, and counts them', async () => {
    const device = await addDevice(t.api);
    const ref = { projectId: PROJECT, deviceId: device };
    const a = (await create(device, { ...ON, send_strategy: 'delay' })).body.command_id;
    const b = (await create(device, { ...ON, command_name: 'OFF', send_strategy: 'delay' })).body.command_id;
    const service = t.dispatcher.service;
    await service.takeNext(ref);
    await service.markDelivered({ ...ref, commandId: a });
    await service.recordResult({ ...ref, commandId: a }, true, { code: 200 });
    await service.takeNext(ref);
    await service.recordResult({ ...ref, commandId: b }, false, { code: 500 });

    const shown = await t.api.call('showAsyncDeviceCommand', { path: { ...path(device), command_id: a } });
    expect(shown.body).toMatchObject({ status: 'SUCCESSFUL', result: { code: 200 } });
    for (const field of ['sent_time', 'delivered_time', 'response_time']) expect(shown.body[field]).toMatch(/Z$/);

    const history = await t.api.call('listAsyncHistoryCommands', { path: path(device) });
    expect(history.body.commands.map((c: { command_id: string; status: string }) => [c.command_id, c.status])).toEqual([
      [b, 'FAILED'],
      [a, 'SUCCESSFUL'],
    ]);
    expect(history.body.page).toEqual({ marker: a });
    expect(history.body.commands[0]).not.toHaveProperty('paras');
    const queue = await t.api.call('listAsyncCommands', { path: path(device) });
    expect(queue.body.page.count).toBe(0);
    const count = await t.api.call('countAsyncHistoryCommands', { path: path(device), query: { status: 'FAILED' } });
    expect(count.body).toEqual({ count: 1 });
  });

  it('expires a command whose expire_time passed while the device slept', async () => {
    const device = await addDevice(t.api);
    const id = (await create(device, { paras: {}, expire_time: 1, send_strategy: 'delay' })).body.command_id;
    await expect
      .poll(
        async () =>
          (await t.api.call('showAsyncDeviceCommand', { path: { ...path(device), command_id: id } })).body.status,
        {
          timeout: 5_000,
          interval: 100,
        },
      )
      .toBe('EXPIRED');
    const count = await t.api.call('countAsyncHistoryCommands', { path: path(device), query: { status: 'EXPIRED' } });
    expect(count.body.count).toBe(1);
  });
});

/** A POST on a keep-alive agent: the status, the Connection header and whether the socket was reused. */
function post(
  agent: Agent,
  url: URL,
  body: string,
): Promise<{ status: number; connection: string | undefined; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-auth-token': TOKEN } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, reusedSocket: req.reusedSocket }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
