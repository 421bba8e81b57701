import type { CommandService, Device } from '@snooze/core';
import type { OperationHandlers } from '../http/operations.js';
import { fromAddDevice, toListedDevice, toShownDevice } from '../wire/devices.js';
import { toPageQuery, toTimeRange } from '../wire/query.js';

type DeviceOperations = 'addDevice' | 'showDevice' | 'deleteDevice' | 'listDevices';

export function deviceHandlers(service: CommandService): Pick<OperationHandlers, DeviceOperations> {
  // Presence is what the ingress knows now: a registered (awake) device is online, any other is not.
  const statusOf = async (device: Device) => ((await service.delivery.isAwake(device)) ? 'ONLINE' : 'OFFLINE');

  return {
    async addDevice({ params, body }) {
      const device = await service.addDevice(fromAddDevice(params.project_id, body));
      return { status: 201, body: toShownDevice(device, 'INACTIVE') };
    },

    async showDevice({ params }) {
      const device = await service.getDevice({ projectId: params.project_id, deviceId: params.device_id });
      return { status: 200, body: toShownDevice(device, await statusOf(device)) };
    },

    async deleteDevice({ params }) {
      await service.deleteDevice({ projectId: params.project_id, deviceId: params.device_id });
      return { status: 204, body: undefined };
    },

    async listDevices({ params, query }) {
      const filter = {
        ...toTimeRange(query),
        ...(query.product_id === undefined ? {} : { productId: query.product_id }),
        ...(query.node_id === undefined ? {} : { nodeId: query.node_id }),
        ...(query.gateway_id === undefined ? {} : { gatewayId: query.gateway_id }),
        ...(query.device_name === undefined ? {} : { deviceName: query.device_name }),
        ...(query.app_id === undefined ? {} : { appId: query.app_id }),
      };
      const page = await service.listDevices(params.project_id, filter, toPageQuery(query));
      const devices = await Promise.all(page.items.map(async (d) => toListedDevice(d, await statusOf(d))));
      return {
        status: 200,
        body: { devices, page: { count: page.count, ...(page.marker === undefined ? {} : { marker: page.marker }) } },
      };
    },
  };
}
