/**
 * The ingress alone, as in its container: its own runtime (Redis from REDIS_URL, shared with the
 * dispatcher replicas), its own command service, /metrics and /healthz on METRICS_PORT. SIGTERM and
 * SIGINT stop it gracefully: no new datagrams, writes in flight abandoned (their commands stay SENT or
 * DELIVERED and are re-sent on the device's next registration, or end in TIMEOUT by the sweeper).
 */
import { CommandService, openRuntime } from '@snooze/core';
import { pino } from 'pino';
import { collectDefaultMetrics } from 'prom-client';
import { type AdminServer, startAdminServer } from './admin-http.js';
import { loadIngressConfig } from './config.js';
import { startIngress } from './ingress.js';

const config = loadIngressConfig();
const logger = pino({ name: 'coap-ingress', level: config.logLevel });
const runtime = openRuntime({
  ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
  keyPrefix: config.redisKeyPrefix,
  partitions: config.partitions,
  onError: (err) => logger.error({ err }, 'store connection error'),
});
if (runtime.mode === 'embedded') {
  logger.warn('REDIS_URL is not set: in-memory store, which no dispatcher shares (use `npm start` for that)');
}
const service = new CommandService({
  store: runtime.store,
  delivery: runtime.delivery,
  options: { ackTimeoutMs: config.ackTimeoutMs, resultTimeoutMs: config.resultTimeoutMs },
});
const ingress = await startIngress({ runtime, service, config, logger });
collectDefaultMetrics({ register: ingress.metrics.registry });
let admin: AdminServer | undefined;
if (config.metricsPort > 0) {
  admin = await startAdminServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: ingress.metrics.registry,
    ready: () => runtime.store.ping(),
  });
  logger.info({ url: admin.url }, 'metrics and health');
}

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
  await admin?.close();
  await ingress.close();
  await runtime.close();
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
