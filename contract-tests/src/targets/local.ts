/**
 * The local target: the dispatcher on the machine's real Redis, under a key prefix of its own (deleted
 * afterwards), plus the two replicas the error paths need — one with a per-project rate limit (429) and one whose
 * store refuses every command (500). All of them listen on free loopback ports.
 */
import { openRuntime, type Runtime } from '@snooze/core';
import { REDIS_URL, testRedis } from '@snooze/core/testing';
import {
  createLogger,
  type DispatcherConfig,
  type DispatcherHandle,
  type DispatcherOptions,
  startDispatcher,
} from '@snooze/dispatcher';
import { type ContractSettings, type Credentials, DEFAULT_FORBIDDEN_PROJECT } from '../settings.js';
import { startFailingRedis } from './failing-redis.js';

export const LOCAL_MAIN: Credentials = { token: 'contract-token', projectId: 'contract-project' };
export const LOCAL_RATE_LIMITED: Credentials = { token: 'contract-limited-token', projectId: 'contract-limited' };

export interface LocalTargetOptions {
  /** Serves a drifted API on the main dispatcher (the suites' own tests use it). */
  decorateHandlers?: DispatcherOptions['decorateHandlers'];
}

export interface LocalTarget {
  settings: ContractSettings;
  main: DispatcherHandle;
  close(): Promise<void>;
}

function start(runtime: Runtime, config: Partial<DispatcherConfig>, options: LocalTargetOptions = {}) {
  return startDispatcher({
    runtime,
    logger: createLogger('silent'),
    config: {
      host: '127.0.0.1',
      port: 0,
      apiTokens: [LOCAL_MAIN, LOCAL_RATE_LIMITED].map((c) => `${c.token}:${c.projectId}`).join(','),
      apiKeys: '',
      rateLimitPerProject: 0,
      ...config,
    },
    ...options,
  });
}

export async function startLocalTarget(options: LocalTargetOptions = {}): Promise<LocalTarget> {
  const redis = testRedis();
  const runtime = openRuntime({ redisUrl: REDIS_URL, keyPrefix: redis.prefix });
  const failingRedis = await startFailingRedis();
  const failingRuntime = openRuntime({ redisUrl: failingRedis.url, keyPrefix: redis.prefix });
  const main = await start(runtime, {}, options);
  // One request a second: after a short burst the limiter refuses the next request for a whole second, far
  // longer than the few milliseconds between a burst and the request under test.
  const limited = await start(runtime, { rateLimitPerProject: 1 });
  const failing = await start(failingRuntime, {});
  return {
    settings: {
      mode: 'server',
      url: main.url,
      main: LOCAL_MAIN,
      forbiddenProjectId: DEFAULT_FORBIDDEN_PROJECT,
      rateLimited: { ...LOCAL_RATE_LIMITED, url: limited.url },
      failingUrl: failing.url,
    },
    main,
    async close() {
      await Promise.all([main.close(), limited.close(), failing.close()]);
      await Promise.all([runtime.close(), failingRuntime.close(), failingRedis.close()]);
      await redis.cleanup();
    },
  };
}
