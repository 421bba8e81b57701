/**
 * `npm start`: the whole system in one process on its embedded defaults (in-memory store, no Redis needed),
 * or on Redis when REDIS_URL is set. Without configured credentials it makes a development token.
 */
import { randomBytes } from 'node:crypto';
import { startIngress } from '@snooze/coap-ingress';
import { openRuntime } from '@snooze/core';
import { createLogger, loadConfig, startDispatcher } from '@snooze/dispatcher';

const DEV_PROJECT = 'dev-project';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const devToken = !config.apiTokens && !config.apiKeys ? `dev-${randomBytes(12).toString('hex')}` : undefined;
const runtime = openRuntime({
  ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
  keyPrefix: config.redisKeyPrefix,
  partitions: config.partitions,
  onError: (err) => logger.error({ err }, 'store connection error'),
});
const dispatcher = await startDispatcher({
  runtime,
  config: devToken ? { ...config, apiTokens: `${devToken}:${DEV_PROJECT}` } : config,
  logger: logger.child({ service: 'dispatcher' }),
});
// The ingress shares the dispatcher's command service: one store, one delivery port, in-process hand-offs.
const ingress = await startIngress({
  runtime,
  service: dispatcher.service,
  logger: logger.child({ service: 'coap-ingress' }),
});

const lines = [
  '',
  `  Snooze is running (${runtime.mode === 'embedded' ? 'embedded in-memory store' : 'Redis'})`,
  `  API:         ${dispatcher.url}/v5/iot/{project_id}/...`,
  `  CoAP:        coap://${ingress.config.host}:${ingress.port}  (LwM2M: POST /rd?ep=<node_id>)`,
  `  Spec:        openapi/dist/openapi.yaml`,
];
if (devToken) lines.push(`  Dev token:   X-Auth-Token: ${devToken}   (project_id: ${DEV_PROJECT})`);
process.stdout.write(`${lines.join('\n')}\n\n`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
  await ingress.close();
  await dispatcher.close();
  await runtime.close();
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
