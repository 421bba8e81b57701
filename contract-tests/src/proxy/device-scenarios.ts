/**
 * Proxy scenarios for devices and their commands, from registration to removal. The error paths here are all
 * allowed by the contract and reach the server (a taken node, unknown ids, too large `paras`, impossible time
 * ranges), except the schema violations, which Prism must refuse itself.
 */
import { PARAS_MAX_BYTES } from '../contract/limits.js';
import type { ProxyProbe } from './probe.js';
import { deleteTwice, type ScenarioTarget } from './scenario-target.js';

export async function deviceAndCommandScenarios(probe: ProxyProbe, t: ScenarioTarget): Promise<string> {
  const project_id = t.main.projectId;
  const node_id = `proxy-${t.runId}`;
  const created = await probe.step('register a device', 'addDevice', { status: 201 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices', {
      params: { path: { project_id } },
      body: { node_id, product_id: 'meter', device_name: 'proxy-suite' },
    }),
  );
  const device_id = created.data?.device_id ?? `unknown-${t.runId}`;
  const device = { project_id, device_id };
  await probe.step('register it again', 'addDevice', { status: 400 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices', {
      params: { path: { project_id } },
      body: { node_id, product_id: 'meter' },
    }),
  );
  await probe.step('register without product_id (breaks the schema)', 'addDevice', { status: 422, from: 'prism' }, () =>
    // Deliberately outside the request type: the schema requires product_id.
    t.api.POST('/v5/iot/{project_id}/devices', { params: { path: { project_id } }, body: { node_id } as never }),
  );
  await probe.step('show it', 'showDevice', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}', { params: { path: device } }),
  );
  await probe.step('show an unknown device', 'showDevice', { status: 404 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}', {
      params: { path: { project_id, device_id: `missing-${t.runId}` } },
    }),
  );
  await probe.step('list devices by node_id', 'listDevices', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices', { params: { path: { project_id }, query: { node_id, limit: 10 } } }),
  );
  await probe.step('list with limit 0 (breaks the schema)', 'listDevices', { status: 422, from: 'prism' }, () =>
    t.api.GET('/v5/iot/{project_id}/devices', { params: { path: { project_id }, query: { limit: 0 } } }),
  );

  const command = await probe.step('queue a command', 'createAsyncCommand', { status: 200 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
      params: { path: device },
      body: { service_id: 'Switch', command_name: 'ON_OFF', paras: { value: 'ON' }, send_strategy: 'delay' },
    }),
  );
  await probe.step('send one now to the offline device (it fails)', 'createAsyncCommand', { status: 200 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
      params: { path: device },
      body: { paras: { value: 'OFF' }, send_strategy: 'immediately' },
    }),
  );
  await probe.step('queue one for an unknown device', 'createAsyncCommand', { status: 404 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
      params: { path: { project_id, device_id: `missing-${t.runId}` } },
      body: { paras: {}, send_strategy: 'delay' },
    }),
  );
  await probe.step('queue one whose paras are too large', 'createAsyncCommand', { status: 413 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
      params: { path: device },
      body: { paras: { blob: 'b'.repeat(PARAS_MAX_BYTES) }, send_strategy: 'delay' },
    }),
  );
  await probe.step(
    'queue one with an unknown strategy (breaks the schema)',
    'createAsyncCommand',
    { status: 422, from: 'prism' },
    () =>
      t.api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
        params: { path: device },
        body: { paras: {}, send_strategy: 'sometimes' as never },
      }),
  );
  const command_id = command.data?.command_id ?? `unknown-${t.runId}`;
  await probe.step('show the command', 'showAsyncDeviceCommand', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands/{command_id}', {
      params: { path: { ...device, command_id } },
    }),
  );
  await probe.step('show an unknown command', 'showAsyncDeviceCommand', { status: 404 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands/{command_id}', {
      params: { path: { ...device, command_id: `missing-${t.runId}` } },
    }),
  );
  await probe.step('list the queue', 'listAsyncCommands', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
      params: { path: device, query: { status: 'PENDING' } },
    }),
  );
  await probe.step('list the queue from a day that does not exist', 'listAsyncCommands', { status: 400 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands', {
      params: { path: device, query: { start_time: '20241341T000000Z' } },
    }),
  );
  await probe.step('list the history', 'listAsyncHistoryCommands', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands-history', {
      params: { path: device, query: { status: 'FAILED' } },
    }),
  );
  await probe.step('list the history with start after end', 'listAsyncHistoryCommands', { status: 400 }, () =>
    t.api.GET('/v5/iot/{project_id}/devices/{device_id}/async-commands-history', {
      params: { path: device, query: { start_time: '20241128T000000Z', end_time: '20241127T000000Z' } },
    }),
  );
  await probe.step('count the history', 'countAsyncHistoryCommands', { status: 200 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands-history/count', {
      params: { path: device, query: { status: 'FAILED' } },
    }),
  );
  await probe.step('count the history of an unknown device', 'countAsyncHistoryCommands', { status: 404 }, () =>
    t.api.POST('/v5/iot/{project_id}/devices/{device_id}/async-commands-history/count', {
      params: { path: { project_id, device_id: `missing-${t.runId}` } },
    }),
  );
  return device_id;
}

export async function deviceRemovalScenarios(probe: ProxyProbe, t: ScenarioTarget, device_id: string): Promise<void> {
  const device = { project_id: t.main.projectId, device_id };
  await deleteTwice(probe, 'device', 'deleteDevice', () =>
    t.api.DELETE('/v5/iot/{project_id}/devices/{device_id}', { params: { path: device } }),
  );
}
