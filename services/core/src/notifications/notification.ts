import { formatCompactTime, formatIsoMillis } from '../iotda-time.js';
import type { CommandStatus } from '../model.js';
import { COMMAND_STATUS_SUBJECT } from '../rules/model.js';
import type { CommandEvent } from '../store.js';

/** The push body of `device.command.status`/`update` (spec schema `DeviceCommandStatusNotification`). */
export interface DeviceCommandStatusNotification {
  resource: string;
  event: string;
  event_time: string;
  event_time_ms: string;
  request_id: string;
  notify_data: {
    header: {
      app_id?: string;
      device_id: string;
      node_id?: string;
      product_id?: string;
      gateway_id?: string;
      tags: { tag_key: string; tag_value: string }[];
    };
    body: {
      command_id: string;
      created_time: string;
      sent_time: string;
      delivered_time: string;
      response_time: string;
      status: CommandStatus;
      result: Record<string, unknown> | null;
    };
  };
}

/** IoTDA sends a step that has not happened as an empty string. */
function pushTime(ms: number | undefined): string {
  return ms === undefined ? '' : formatCompactTime(ms);
}

/**
 * The notification of one event, as IoTDA shapes it (reference §6): times in the compact format or "",
 * `result` null until the device answered. `app_id` is the device's application, else the rule's.
 */
export function buildNotification(
  eventId: string,
  event: CommandEvent,
  ruleAppId?: string,
): DeviceCommandStatusNotification {
  const appId = event.appId ?? ruleAppId;
  return {
    resource: COMMAND_STATUS_SUBJECT.resource,
    event: COMMAND_STATUS_SUBJECT.event,
    event_time: formatCompactTime(event.at),
    event_time_ms: formatIsoMillis(event.at),
    request_id: eventId,
    notify_data: {
      header: {
        ...(appId === undefined ? {} : { app_id: appId }),
        device_id: event.deviceId,
        ...(event.nodeId === undefined ? {} : { node_id: event.nodeId }),
        ...(event.productId === undefined ? {} : { product_id: event.productId }),
        ...(event.gatewayId === undefined ? {} : { gateway_id: event.gatewayId }),
        tags: [],
      },
      body: {
        command_id: event.commandId,
        created_time: pushTime(event.createdAt),
        sent_time: pushTime(event.sentAt),
        delivered_time: pushTime(event.deliveredAt),
        response_time: pushTime(event.respondedAt),
        status: event.status,
        result: event.result ?? null,
      },
    },
  };
}
