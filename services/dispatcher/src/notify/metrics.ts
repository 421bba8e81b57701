import { Counter, type CounterConfiguration, Histogram, type HistogramConfiguration, type Registry } from 'prom-client';

/** The forwarder's metrics; each replica counts its own pushes, Prometheus sums the replicas. */
export interface NotificationMetrics {
  pushed: Counter<'channel'>;
  retried: Counter<'channel'>;
  deadLettered: Counter<'channel' | 'cause'>;
  pushSeconds: Histogram<'channel' | 'outcome'>;
  lagSeconds: Histogram<'channel'>;
}

/** A forwarder restarted in the same process keeps counting on the metrics already registered. */
function counter<T extends string>(registry: Registry, config: CounterConfiguration<T>): Counter<T> {
  return (
    (registry.getSingleMetric(config.name) as Counter<T> | undefined) ??
    new Counter({ ...config, registers: [registry] })
  );
}

function histogram<T extends string>(registry: Registry, config: HistogramConfiguration<T>): Histogram<T> {
  return (
    (registry.getSingleMetric(config.name) as Histogram<T> | undefined) ??
    new Histogram({ ...config, registers: [registry] })
  );
}

export function createNotificationMetrics(registry: Registry): NotificationMetrics {
  return {
    pushed: counter(registry, {
      name: 'snooze_notifications_pushed_total',
      help: 'Command status notifications delivered (2xx, or confirmed by the broker), by channel',
      labelNames: ['channel'],
    }),
    retried: counter(registry, {
      name: 'snooze_notifications_retried_total',
      help: 'Push attempts that failed and will be retried after a backoff, by channel',
      labelNames: ['channel'],
    }),
    deadLettered: counter(registry, {
      name: 'snooze_notifications_dead_lettered_total',
      help: 'Notifications given up and moved to the dead-letter stream, by channel and cause',
      labelNames: ['channel', 'cause'],
    }),
    pushSeconds: histogram(registry, {
      name: 'snooze_notification_push_seconds',
      help: 'Duration of one push attempt (request to answer or confirm), by channel and outcome',
      labelNames: ['channel', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 15],
    }),
    lagSeconds: histogram(registry, {
      name: 'snooze_notification_lag_seconds',
      help: 'From the status change to its delivery, retries included, by channel',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 10, 60, 600, 3600, 86400],
    }),
  };
}
