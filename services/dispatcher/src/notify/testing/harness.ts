import { randomUUID } from 'node:crypto';
import {
  COMMAND_STATUS_SUBJECT,
  CommandService,
  type DeviceRef,
  newId,
  openRuntime,
  type RuleAction,
  RuleService,
  type Runtime,
} from '@snooze/core';
import { deleteKeys, REDIS_URL } from '@snooze/core/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { NotifyConfig } from '../config.js';
import { type ForwarderHandle, startForwarder } from '../start.js';

/** Short timings so retries, takeovers and rule changes happen within a test's seconds. */
export const FAST: Partial<NotifyConfig> = {
  leaseTtlMs: 1_000,
  blockMs: 50,
  targetsTtlMs: 0,
  backoffBaseMs: 20,
  backoffMaxMs: 100,
  errorDelayMs: 20,
  httpTimeoutMs: 1_000,
  retryHorizonMs: 30_000,
};

export type Mode = 'redis' | 'embedded';

/** A runtime of its own (Redis: a fresh key prefix, deleted on close), the services, and forwarders on it. */
export class NotifyHarness {
  readonly runtime: Runtime;
  readonly rules: RuleService;
  readonly service: CommandService;
  readonly registry = new Registry();
  readonly logLines: Record<string, unknown>[] = [];
  private readonly handles: ForwarderHandle[] = [];

  constructor(
    readonly mode: Mode,
    readonly keyPrefix = `snooze-test:${randomUUID().slice(0, 8)}:`,
  ) {
    this.runtime = openRuntime(
      mode === 'redis' ? { redisUrl: REDIS_URL, keyPrefix, partitions: 4 } : { partitions: 4 },
    );
    this.rules = new RuleService(this.runtime.rules, newId);
    this.service = new CommandService({ store: this.runtime.store, delivery: this.runtime.delivery });
  }

  startForwarder(config: Partial<NotifyConfig> = {}, registry = this.registry): ForwarderHandle {
    const logger = pino({ level: 'debug' }, { write: (line: string) => this.logLines.push(JSON.parse(line)) });
    const handle = startForwarder({
      runtime: this.runtime,
      rules: this.rules,
      logger,
      registry,
      config: { ...FAST, ...config },
    });
    this.handles.push(handle);
    return handle;
  }

  /** An active `device.command.status` rule with one action, set up as the IoTDA page describes. */
  async activeAction(projectId: string, channelDetail: RuleAction['channelDetail']): Promise<RuleAction> {
    const rule = await this.rules.createRule({ projectId, ruleName: 'cmd-status', subject: COMMAND_STATUS_SUBJECT });
    const channel = channelDetail.amqpForwarding ? 'AMQP_FORWARDING' : 'HTTP_FORWARDING';
    const action = await this.rules.createAction({ projectId, ruleId: rule.ruleId, channel, channelDetail });
    await this.rules.updateRule(projectId, rule.ruleId, { active: true });
    return action;
  }

  async addDevices(projectId: string, count: number): Promise<DeviceRef[]> {
    const refs: DeviceRef[] = [];
    for (let i = 0; i < count; i++) {
      const device = await this.service.addDevice({
        projectId,
        nodeId: `86${randomUUID().replace(/\D/g, '').slice(0, 13)}`,
        productId: 'meter',
      });
      refs.push(device);
    }
    return refs;
  }

  /** One command through PENDING → SENT → DELIVERED → SUCCESSFUL, as a device that wakes up and answers. */
  async runCommand(ref: DeviceRef): Promise<string> {
    const command = await this.service.createCommand({
      ...ref,
      serviceId: 'Switch',
      commandName: 'ON_OFF',
      paras: { value: 'ON' },
      sendStrategy: 'delay',
    });
    await this.service.takeNext(ref);
    await this.service.markDelivered(command);
    await this.service.recordResult(command, true, { code: 0, state: 'ON' });
    return command.commandId;
  }

  async close(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
    if (this.runtime.mode === 'redis') await deleteKeys(this.runtime.redis, this.keyPrefix);
    await this.runtime.close();
  }
}

export const ALL_STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL'];

export { pause, waitFor } from '../../../../core/test/wait.js';

/** The first arrival of each status, per command: what at-least-once ordering is judged on. */
export function firstArrivals(statuses: readonly string[]): string[] {
  return [...new Set(statuses)];
}
