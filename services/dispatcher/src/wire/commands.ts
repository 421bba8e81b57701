/** Commands between the core's model (epoch ms, camelCase) and the IoTDA wire shapes of the spec. */

import type { components } from '@snooze/client/schema';
import { type Command, formatCompactTime } from '@snooze/core';

type Schemas = components['schemas'];

function optionalTimes(command: Command) {
  return {
    ...(command.sentAt === undefined ? {} : { sent_time: formatCompactTime(command.sentAt) }),
    ...(command.deliveredAt === undefined ? {} : { delivered_time: formatCompactTime(command.deliveredAt) }),
    ...(command.respondedAt === undefined ? {} : { response_time: formatCompactTime(command.respondedAt) }),
  };
}

function identity(command: Command) {
  return {
    device_id: command.deviceId,
    command_id: command.commandId,
    ...(command.serviceId === undefined ? {} : { service_id: command.serviceId }),
    ...(command.commandName === undefined ? {} : { command_name: command.commandName }),
    expire_time: command.expireTime,
    send_strategy: command.sendStrategy,
    created_time: formatCompactTime(command.createdAt),
  };
}

export function toCreatedCommand(command: Command): Schemas['CreateAsyncCommandResponse'] {
  if (command.status !== 'PENDING' && command.status !== 'SENT' && command.status !== 'FAILED') {
    throw new Error(`a new command cannot be ${command.status}`);
  }
  return { ...identity(command), paras: command.paras, status: command.status };
}

export function toShownCommand(command: Command): Schemas['ShowAsyncDeviceCommandResponse'] {
  return {
    ...identity(command),
    paras: command.paras,
    status: command.status,
    result: command.result ?? null,
    ...optionalTimes(command),
  };
}

export function toListedCommand(command: Command): Schemas['AsyncCommandListItem'] {
  return { ...identity(command), status: command.status, ...optionalTimes(command) };
}
