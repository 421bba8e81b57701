/** Runs the dispatcher alone (as in its container): `REDIS_URL` set means shared state with other replicas. */
import { openRuntime } from '@snooze/core';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startDispatcher } from './server.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'dispatcher');
const runtime = openRuntime({
  ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
  keyPrefix: config.redisKeyPrefix,
  partitions: config.partitions,
  onError: (err) => logger.error({ err }, 'store connection error'),
});
const dispatcher = await startDispatcher({ runtime, config, logger });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
  await dispatcher.close();
  await runtime.close();
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
