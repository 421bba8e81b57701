/**
 * The dispatcher assembled: the domain services over a runtime (embedded or Redis), the HTTP app, and the
 * background work every replica runs (the sweeper). `main.ts` runs it alone; `services/main.ts` runs it
 * together with the CoAP ingress.
 */
import { CommandService, newId, RuleService, type Runtime, Sweeper } from '@snooze/core';
import type { FastifyInstance } from 'fastify';
import { createAuthenticator, parseApiKeys, parseApiTokens } from './auth/index.js';
import { type DispatcherConfig, loadConfig } from './config.js';
import { createHandlers } from './handlers/index.js';
import { buildHttpApp } from './http/app.js';
import type { OperationHandlers } from './http/operations.js';
import { ProjectRateLimiter } from './http/rate-limit.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { type NotifyConfig, startForwarder } from './notify/index.js';
import { loadSpec } from './spec.js';

export interface DispatcherOptions {
  runtime: Runtime;
  /** Overrides on top of the environment's configuration (tests pass ports, tokens, timings). */
  config?: Partial<DispatcherConfig>;
  logger?: Logger;
  /**
   * Rewrites the operation handlers before they are bound to routes. Production leaves it unset; the contract
   * tests use it to serve a deliberately drifted API and prove that their suites notice the drift.
   */
  decorateHandlers?: (handlers: OperationHandlers) => OperationHandlers;
  /** Overrides of the notification forwarder's configuration (tests pass short timings). */
  notify?: Partial<NotifyConfig>;
}

export interface DispatcherHandle {
  url: string;
  app: FastifyInstance;
  service: CommandService;
  rules: RuleService;
  config: DispatcherConfig;
  /** Stops taking requests, finishes the in-flight ones, stops background work. Leaves the runtime open. */
  close(): Promise<void>;
}

export async function startDispatcher(options: DispatcherOptions): Promise<DispatcherHandle> {
  const config = { ...loadConfig(), ...options.config };
  const logger = options.logger ?? createLogger(config.logLevel, 'dispatcher');
  const { runtime } = options;
  const metrics = createMetrics();
  const service = new CommandService({
    store: runtime.store,
    delivery: runtime.delivery,
    options: {
      ackTimeoutMs: config.ackTimeoutMs,
      resultTimeoutMs: config.resultTimeoutMs,
      retentionMs: config.retentionMs,
    },
    onHandOffError: (err, command) => logger.warn({ err, command_id: command.commandId }, 'hand-off to ingress failed'),
  });
  const rules = new RuleService(runtime.rules, newId);
  const handlers = createHandlers(service, rules, metrics);
  const app = await buildHttpApp({
    spec: await loadSpec(config.specPath),
    handlers: options.decorateHandlers?.(handlers) ?? handlers,
    authenticator: createAuthenticator({
      tokens: parseApiTokens(config.apiTokens),
      keys: parseApiKeys(config.apiKeys),
      clockSkewMs: config.clockSkewMs,
    }),
    metrics,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    ...(config.rateLimitPerProject > 0 ? { rateLimiter: new ProjectRateLimiter(config.rateLimitPerProject) } : {}),
    ready: () => runtime.store.ping(),
  });
  const sweeper = new Sweeper({
    store: runtime.store,
    leases: runtime.leases,
    intervalMs: config.sweepIntervalMs,
    retentionMs: config.retentionMs,
    onError: (err) => logger.error({ err }, 'sweep failed'),
  });
  const address = await app.listen({ host: config.host, port: config.port });
  sweeper.start();
  // Every replica forwards status notifications; the partitions are shared between replicas by leases.
  const forwarder = startForwarder({
    runtime,
    rules,
    logger,
    registry: metrics.registry,
    ...(options.notify ? { config: options.notify } : {}),
  });
  logger.info({ url: address, store: runtime.mode }, 'dispatcher listening');
  return {
    url: address,
    app,
    service,
    rules,
    config,
    async close() {
      await app.close();
      await Promise.all([sweeper.stop(), forwarder.stop()]);
    },
  };
}
