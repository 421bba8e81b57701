/** Devices between the core's model and the IoTDA wire shapes of the spec. */

import type { components } from '@snooze/client/schema';
import { compact, type Device, formatCompactTime, type NewDevice } from '@snooze/core';

type Schemas = components['schemas'];
type DeviceStatus = Schemas['DeviceStatus'];

export function fromAddDevice(projectId: string, body: Schemas['AddDeviceRequest']): NewDevice {
  const auth = body.auth_info;
  const optional = compact({
    deviceId: body.device_id,
    deviceName: body.device_name,
    description: body.description,
    gatewayId: body.gateway_id,
    appId: body.app_id,
    extensionInfo: body.extension_info,
    secret: auth?.secret,
    secureAccess: auth?.secure_access,
    authTimeout: auth?.timeout,
  });
  return { projectId, nodeId: body.node_id, productId: body.product_id, ...optional };
}

export function toListedDevice(device: Device, status: DeviceStatus): Schemas['DeviceListItem'] {
  return {
    device_id: device.deviceId,
    node_id: device.nodeId,
    gateway_id: device.gatewayId,
    product_id: device.productId,
    // A device without a parent is directly connected: IoTDA calls that GATEWAY.
    node_type: device.gatewayId === device.deviceId ? 'GATEWAY' : 'ENDPOINT',
    status,
    ...(device.appId === undefined ? {} : { app_id: device.appId }),
    ...(device.deviceName === undefined ? {} : { device_name: device.deviceName }),
    ...(device.description === undefined ? {} : { description: device.description }),
  };
}

export function toShownDevice(device: Device, status: DeviceStatus): Schemas['Device'] {
  return {
    ...toListedDevice(device, status),
    create_time: formatCompactTime(device.createdAt),
    auth_info: {
      auth_type: 'SECRET',
      ...(device.secret === undefined ? {} : { secret: device.secret }),
      secure_access: device.secureAccess ?? false,
      timeout: device.authTimeout ?? 0,
    },
    ...(device.extensionInfo === undefined ? {} : { extension_info: device.extensionInfo }),
  };
}
