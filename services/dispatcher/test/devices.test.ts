import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, PROJECT, STORE_KINDS, startTestDispatcher, type TestDispatcher } from './harness.js';

describe.each(STORE_KINDS)('devices over HTTP (%s store)', (kind) => {
  let t: TestDispatcher;
  beforeAll(async () => {
    t = await startTestDispatcher(kind);
  });
  afterAll(() => t.close());

  const project = { project_id: PROJECT };

  it('registers a device with IoTDA’s default id and returns what it was given', async () => {
    const created = await t.api.call('addDevice', {
      path: project,
      body: {
        node_id: '860000000000001',
        product_id: 'watermeter',
        device_name: 'meter-1',
        description: 'basement',
        app_id: 'space-1',
        extension_info: { floor: -1 },
        auth_info: { secret: 'a1b2c3d4e5f60718', secure_access: true, timeout: 300 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      device_id: 'watermeter_860000000000001',
      gateway_id: 'watermeter_860000000000001',
      node_id: '860000000000001',
      status: 'INACTIVE',
      app_id: 'space-1',
      extension_info: { floor: -1 },
      auth_info: { secret: 'a1b2c3d4e5f60718', secure_access: true, timeout: 300 },
    });
    const shown = await t.api.call('showDevice', { path: { ...project, device_id: 'watermeter_860000000000001' } });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      device_name: 'meter-1',
      description: 'basement',
      extension_info: { floor: -1 },
    });
  });

  it('refuses a second device with the same id or the same node_id', async () => {
    await t.api.call('addDevice', {
      path: project,
      body: { device_id: 'dup-1', node_id: '860000000000002', product_id: 'p' },
    });
    const sameId = await t.api.call('addDevice', {
      path: project,
      body: { device_id: 'dup-1', node_id: '860000000000003', product_id: 'p' },
    });
    expect([sameId.status, sameId.body.error_code]).toEqual([400, 'IOTDA.014031']);
    const sameNode = await t.api.call('addDevice', {
      path: project,
      body: { device_id: 'dup-2', node_id: '860000000000002', product_id: 'p' },
    });
    expect([sameNode.status, sameNode.body.error_code]).toEqual([400, 'IOTDA.014032']);
  });

  it('rejects bad device bodies', async () => {
    for (const body of [
      { product_id: 'p' },
      { node_id: 'has space', product_id: 'p' },
      { node_id: '860000000000009', product_id: 'p', auth_info: { secret: 'not-hex!' } },
      { node_id: '860000000000009', product_id: 'p', colour: 'red' },
    ]) {
      const res = await t.api.call('addDevice', { path: project, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('lists devices newest first with filters and paging, without secrets', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push(await addDevice(t.api, { product_id: 'listed', auth_info: { secret: 'abcdef0123' } }));
    const page = await t.api.call('listDevices', { path: project, query: { product_id: 'listed', limit: 3 } });
    expect(page.body.page.count).toBe(4);
    expect(page.body.devices.map((d: { device_id: string }) => d.device_id)).toEqual([ids[3], ids[2], ids[1]]);
    expect(page.body.devices[0]).not.toHaveProperty('auth_info');
    const rest = await t.api.call('listDevices', {
      path: project,
      query: { product_id: 'listed', marker: page.body.page.marker },
    });
    expect(rest.body.devices.map((d: { device_id: string }) => d.device_id)).toEqual([ids[0]]);
  });

  it('deleting a device removes it and its queue', async () => {
    const device = await addDevice(t.api);
    const command = await t.api.call('createAsyncCommand', {
      path: { ...project, device_id: device },
      body: { paras: { v: 1 }, send_strategy: 'delay' },
    });
    const deleted = await t.api.call('deleteDevice', { path: { ...project, device_id: device } });
    expect(deleted.status).toBe(204);
    const shown = await t.api.call('showDevice', { path: { ...project, device_id: device } });
    expect([shown.status, shown.body.error_code]).toEqual([404, 'IOTDA.014000']);
    const cmd = await t.api.call('showAsyncDeviceCommand', {
      path: { ...project, device_id: device, command_id: command.body.command_id },
    });
    expect(cmd.status).toBe(404);
    const again = await t.api.call('deleteDevice', { path: { ...project, device_id: device } });
    expect(again.status).toBe(404);
  });
});
