/**
 * Prometheus metrics of one process. Each replica counts what it did itself; Prometheus sums replicas.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface DispatcherMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  requestDuration: Histogram<'route' | 'method'>;
  commandsCreated: Counter<'strategy' | 'status'>;
  transitions: Counter<'status'>;
  queueDepth: Gauge;
}

export function createMetrics(): DispatcherMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'snooze_http_requests_total',
      help: 'HTTP requests by route template, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'snooze_http_request_duration_seconds',
      help: 'HTTP request duration by route template and method',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    commandsCreated: new Counter({
      name: 'snooze_commands_created_total',
      help: 'Commands created, by send strategy and the status they were created in',
      labelNames: ['strategy', 'status'],
      registers: [registry],
    }),
    transitions: new Counter({
      name: 'snooze_command_transitions_total',
      help: 'Command status changes made by this process (creation included), by new status',
      labelNames: ['status'],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'snooze_commands_pending',
      help: 'PENDING commands across all devices, sampled from the store at scrape time',
      registers: [registry],
    }),
  };
}
