/**
 * A whole stack for end-to-end tests on real UDP sockets: a runtime (embedded, or Redis under a random
 * key prefix), the command service with a fast sweeper, and ingress replicas on free ports with short
 * CoAP timing. Devices are provisioned through the service.
 */

import { randomUUID } from 'node:crypto';
import {
  type Command,
  type CommandRef,
  CommandService,
  type CommandStatus,
  type Device,
  type EventEntry,
  openRuntime,
  type Runtime,
  Sweeper,
} from '@snooze/core';
import { deleteKeys } from '@snooze/core/testing';
import { SimulatedDevice, type SimulatedDeviceOptions } from '@snooze/device-simulator';
import { startDispatcher } from '@snooze/dispatcher';
import { pino } from 'pino';
import { type IngressConfig, type IngressHandle, startIngress } from '../src/index.js';

export const REDIS_URL = process.env.SNOOZE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PROJECT = 'proj-e2e';
export const PRODUCT = 'prod-e2e';

/** ACK_TIMEOUT 100 ms, no randomness, 2 retransmissions: a write is given up after 700 ms. */
export const TEST_TIMING = { ackTimeoutMs: 100, ackRandomFactor: 1, maxRetransmit: 2 };
export const GIVE_UP_MS = 700;
export const RESULT_TIMEOUT_MS = 1_000;

export interface StackOptions {
  redis?: boolean;
  /** Runs the dispatcher's HTTP API (token `tok` for project PROJECT); its command service is shared. */
  http?: boolean;
  /** Without the sweeper, only the ingress ends commands (expiry at dequeue, timeouts of its own). */
  sweeper?: boolean;
  ackTimeoutMs?: number;
  resultTimeoutMs?: number;
  ingress?: Partial<IngressConfig>;
}

export interface Stack {
  runtime: Runtime;
  service: CommandService;
  /** With `http`: the dispatcher's base URL. */
  url?: string;
  /** With `http`: an authenticated JSON request to the API of project PROJECT. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  keyPrefix?: string;
  ingresses: IngressHandle[];
  /** Starts one more replica (port 0 unless given). */
  startIngress(overrides?: Partial<IngressConfig>): Promise<IngressHandle>;
  provision(nodeId: string, productId?: string): Promise<Device>;
  device(
    options: Partial<SimulatedDeviceOptions> & { nodeId: string },
    ingress?: IngressHandle,
  ): Promise<SimulatedDevice>;
  waitForStatus(ref: CommandRef, status: CommandStatus, timeoutMs?: number): Promise<Command>;
  /**
   * Statuses the command went through, from the event log (what notifications are built from). Only in
   * stacks without the dispatcher: its notification forwarder trims the log as it forwards.
   */
  statusTrail(ref: CommandRef): Promise<CommandStatus[]>;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: 'silent' });

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const keyPrefix = options.redis ? `snooze-test:${randomUUID().slice(0, 8)}:` : undefined;
  const runtime = openRuntime(options.redis ? { redisUrl: REDIS_URL, keyPrefix, partitions: 4 } : { partitions: 4 });
  const timeouts = {
    ackTimeoutMs: options.ackTimeoutMs ?? 5_000,
    resultTimeoutMs: options.resultTimeoutMs ?? RESULT_TIMEOUT_MS,
  };
  const dispatcher = options.http
    ? await startDispatcher({
        runtime,
        config: {
          port: 0,
          apiTokens: `tok:${PROJECT}`,
          sweepIntervalMs: options.sweeper === false ? 3_600_000 : 100,
          ...timeouts,
        },
        logger: silentLogger,
      })
    : undefined;
  const service =
    dispatcher?.service ?? new CommandService({ store: runtime.store, delivery: runtime.delivery, options: timeouts });
  const sweeper = new Sweeper({ store: runtime.store, leases: runtime.leases, intervalMs: 100 });
  if (!dispatcher && options.sweeper !== false) sweeper.start();
  const ingresses: IngressHandle[] = [];
  const devices: SimulatedDevice[] = [];
  let replica = 0;
  const stack: Stack = {
    runtime,
    service,
    ...(keyPrefix ? { keyPrefix } : {}),
    ...(dispatcher ? { url: dispatcher.url } : {}),
    async api(method, path, body) {
      if (!dispatcher) throw new Error('the stack runs without HTTP');
      const response = await fetch(`${dispatcher.url}/v5/iot/${PROJECT}${path}`, {
        method,
        headers: { 'X-Auth-Token': 'tok', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    ingresses,
    async startIngress(overrides = {}) {
      const ingress = await startIngress({
        runtime,
        service,
        logger: silentLogger,
        config: {
          port: 0,
          ingressId: `ingress-${replica++}-${randomUUID().slice(0, 6)}`,
          timing: TEST_TIMING,
          deviceCacheMs: 0,
          metricsPort: 0,
          ...options.ingress,
          ...overrides,
        },
      });
      ingresses.push(ingress);
      return ingress;
    },
    provision: (nodeId, productId = PRODUCT) => service.addDevice({ projectId: PROJECT, nodeId, productId }),
    async device(deviceOptions, ingress) {
      const target = ingress ?? ingresses[0];
      if (!target) throw new Error('no ingress started');
      const device = await SimulatedDevice.open({ host: '127.0.0.1', port: target.port, ...deviceOptions });
      devices.push(device);
      return device;
    },
    async waitForStatus(ref, status, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const command = await service.getCommand(ref);
        if (command.status === status) return command;
        if (Date.now() > deadline) throw new Error(`command is ${command.status}, expected ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async statusTrail(ref) {
      const partition = runtime.store.partitionOf(ref);
      const entries: EventEntry[] = await runtime.store.readEvents(partition, '0', 10_000);
      return entries.filter((e) => e.event.commandId === ref.commandId).map((e) => e.event.status);
    },
    async close() {
      for (const device of devices) await device.close();
      for (const ingress of ingresses) await ingress.close();
      await dispatcher?.close();
      await sweeper.stop();
      if (runtime.mode === 'redis' && keyPrefix) await deleteKeys(runtime.redis, keyPrefix);
      await runtime.close();
    },
  };
  return stack;
}

export function delayCommand(deviceId: string, paras: Record<string, unknown> = { value: 'ON' }, extra: object = {}) {
  return {
    projectId: PROJECT,
    deviceId,
    serviceId: 'Switch',
    commandName: 'ON_OFF',
    paras,
    sendStrategy: 'delay' as const,
    ...extra,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
