/**
 * Starts a real dispatcher on 127.0.0.1 (port 0) over either store: the embedded one, or real Redis under
 * a key prefix of its own (removed afterwards). The same suites run against both.
 */
import { openRuntime, type Runtime } from '@snooze/core';
import { testRedis } from '@snooze/core/testing';
import type { DispatcherConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type DispatcherHandle, startDispatcher } from '../src/server.js';
import { SpecClient } from './spec-client.js';

export type StoreKind = 'memory' | 'redis';
export const STORE_KINDS: StoreKind[] = ['memory', 'redis'];

export const PROJECT = 'proj-a';
export const OTHER_PROJECT = 'proj-b';
export const TOKEN = 'token-a';
export const OTHER_TOKEN = 'token-b';

export interface TestDispatcher {
  api: SpecClient;
  dispatcher: DispatcherHandle;
  runtime: Runtime;
  close(): Promise<void>;
}

export async function startTestDispatcher(
  kind: StoreKind,
  config: Partial<DispatcherConfig> = {},
): Promise<TestDispatcher> {
  const redis = kind === 'redis' ? testRedis() : undefined;
  const runtime = openRuntime(redis ? { redisUrl: 'redis://127.0.0.1:6379', keyPrefix: redis.prefix } : {});
  const dispatcher = await startDispatcher({
    runtime,
    logger: createLogger('silent'),
    config: {
      host: '127.0.0.1',
      port: 0,
      apiTokens: `${TOKEN}:${PROJECT},${OTHER_TOKEN}:${OTHER_PROJECT}`,
      apiKeys: '',
      sweepIntervalMs: 50,
      ...config,
    },
  });
  const api = await SpecClient.create(dispatcher.url, { 'x-auth-token': TOKEN });
  return {
    api,
    dispatcher,
    runtime,
    async close() {
      await dispatcher.close();
      await runtime.close();
      await redis?.cleanup();
    },
  };
}

let nodeCounter = 0;

/** A provisioned device with a unique node_id; returns its device_id. */
export async function addDevice(api: SpecClient, body: Record<string, unknown> = {}): Promise<string> {
  nodeCounter += 1;
  const node = `86${process.pid}${String(nodeCounter).padStart(6, '0')}`;
  const res = await api.call('addDevice', {
    path: { project_id: PROJECT },
    body: { node_id: node, product_id: 'meter', ...body },
  });
  if (res.status !== 201) throw new Error(`addDevice failed: ${JSON.stringify(res.body)}`);
  return res.body.device_id as string;
}
