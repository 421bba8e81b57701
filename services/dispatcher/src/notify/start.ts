import { type ActiveActionSource, Forwarder, forwarderPorts, type Pushers, type Runtime } from '@snooze/core';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AmqpPusher } from './amqp-pusher.js';
import { loadNotifyConfig, type NotifyConfig } from './config.js';
import { HttpPusher } from './http-pusher.js';
import { createNotificationMetrics } from './metrics.js';
import { notifyObserver } from './observer.js';

export interface StartForwarderOptions {
  runtime: Runtime;
  /** RuleService: the active actions of `device.command.status`/`update`. */
  rules: ActiveActionSource;
  logger: Logger;
  /** The process's registry (the dispatcher's `metrics.registry`); the notification metrics join it. */
  registry: Registry;
  /** Overrides on top of the environment's configuration (tests pass short timings). */
  config?: Partial<NotifyConfig>;
  /** Names this replica in leases; random by default. */
  holderId?: string;
}

export interface ForwarderHandle {
  forwarder: Forwarder;
  config: NotifyConfig;
  /** Stops forwarding, gives the partitions back to the other replicas and closes the pushers. */
  stop(): Promise<void>;
}

/** Starts the notification forwarder of this replica (every dispatcher replica runs one). */
export function startForwarder(options: StartForwarderOptions): ForwarderHandle {
  const config: NotifyConfig = { ...loadNotifyConfig(), ...options.config };
  const { logger } = options;
  const onError = (err: unknown) => logger.warn({ err }, 'notification connection error');
  const pushers: Pushers = {
    HTTP_FORWARDING: new HttpPusher({
      timeoutMs: config.httpTimeoutMs,
      connections: config.httpConnections,
      pipelining: config.httpPipelining,
    }),
  };
  if (config.amqpUrl)
    pushers.AMQP_FORWARDING = new AmqpPusher({ url: config.amqpUrl, timeoutMs: config.httpTimeoutMs, onError });
  else logger.info('AMQP_URL is not set: notifications of AMQP_FORWARDING actions will be dead-lettered');
  const ports = forwarderPorts(options.runtime, { deadLetterMaxLen: config.deadLetterMaxLen, onError });
  const {
    amqpUrl: _url,
    httpTimeoutMs: _timeout,
    httpConnections: _connections,
    httpPipelining: _pipe,
    ...engine
  } = config;
  const forwarder = new Forwarder({
    ...engine,
    ...ports,
    rules: options.rules,
    pushers,
    ...(options.holderId ? { holderId: options.holderId } : {}),
    observer: notifyObserver(createNotificationMetrics(options.registry), logger),
  });
  forwarder.start();
  return {
    forwarder,
    config,
    async stop() {
      await forwarder.stop();
      await Promise.all([ports.log.close(), ...Object.values(pushers).map((pusher) => pusher.close())]);
    },
  };
}
