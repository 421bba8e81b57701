import type { CommandService } from '@snooze/core';
import type { OperationHandlers } from '../http/operations.js';
import type { DispatcherMetrics } from '../metrics.js';
import { toCreatedCommand, toListedCommand, toShownCommand } from '../wire/commands.js';
import { toCommandFilter, toPageQuery } from '../wire/query.js';

type CommandOperations =
  | 'createAsyncCommand'
  | 'showAsyncDeviceCommand'
  | 'listAsyncCommands'
  | 'listAsyncHistoryCommands'
  | 'countAsyncHistoryCommands';

export function commandHandlers(
  service: CommandService,
  metrics: DispatcherMetrics,
): Pick<OperationHandlers, CommandOperations> {
  return {
    async createAsyncCommand({ params, body }) {
      const command = await service.createCommand({
        projectId: params.project_id,
        deviceId: params.device_id,
        paras: body.paras,
        sendStrategy: body.send_strategy,
        ...(body.service_id === undefined ? {} : { serviceId: body.service_id }),
        ...(body.command_name === undefined ? {} : { commandName: body.command_name }),
        ...(body.expire_time === undefined ? {} : { expireTime: body.expire_time }),
      });
      metrics.commandsCreated.inc({ strategy: command.sendStrategy, status: command.status });
      metrics.transitions.inc({ status: command.status });
      return { status: 200, body: toCreatedCommand(command) };
    },

    async showAsyncDeviceCommand({ params }) {
      const ref = { projectId: params.project_id, deviceId: params.device_id, commandId: params.command_id };
      return { status: 200, body: toShownCommand(await service.getCommand(ref)) };
    },

    async listAsyncCommands({ params, query }) {
      const ref = { projectId: params.project_id, deviceId: params.device_id };
      const page = await service.listQueue(ref, toCommandFilter(query), toPageQuery(query));
      return {
        status: 200,
        body: {
          commands: page.items.map(toListedCommand),
          page: { count: page.count, ...(page.marker === undefined ? {} : { marker: page.marker }) },
        },
      };
    },

    async listAsyncHistoryCommands({ params, query }) {
      const ref = { projectId: params.project_id, deviceId: params.device_id };
      const page = await service.listHistory(ref, toCommandFilter(query), toPageQuery(query));
      return {
        status: 200,
        body: {
          commands: page.items.map(toListedCommand),
          page: page.marker === undefined ? {} : { marker: page.marker },
        },
      };
    },

    async countAsyncHistoryCommands({ params, query }) {
      const ref = { projectId: params.project_id, deviceId: params.device_id };
      return { status: 200, body: { count: await service.countHistory(ref, toCommandFilter(query)) } };
    },
  };
}
