/**
 * The notification forwarder's configuration: every environment variable it reads, its default and its
 * meaning. Engine defaults come from the core's table (`FORWARDER_DEFAULTS`) so no number is stated twice.
 */
import { type Env, envNumber, envText, FORWARDER_DEFAULTS } from '@snooze/core';

type EngineSettings = { -readonly [K in keyof typeof FORWARDER_DEFAULTS]: number };

export interface NotifyConfig extends EngineSettings {
  /**
   * AMQP 0-9-1 broker of AMQP_FORWARDING actions. Unset: this replica has no AMQP pusher, and notifications
   * for AMQP actions are dead-lettered (cause `no_pusher`) instead of piling up for a broker that may never be set.
   */
  amqpUrl?: string;
  /** One push (connect, send, answer) must finish within this time, else it failed and is retried. */
  httpTimeoutMs: number;
  /** Keep-alive connections per receiver origin. */
  httpConnections: number;
  /** Pushes in flight per connection (HTTP/1.1 pipelining); 1 = none. */
  httpPipelining: number;
}

export const NOTIFY_DEFAULTS = {
  ...FORWARDER_DEFAULTS,
  // The spec's callback promises receivers 15 s to answer (openapi/components/callbacks/command-status.yaml).
  httpTimeoutMs: 15_000,
  httpConnections: 64,
  httpPipelining: 1,
} as const;

/** Env var → setting; `NOTIFY_RETRY_HORIZON_MS` etc. Values are integers; invalid ones stop the boot. */
type Setting = keyof EngineSettings | 'httpTimeoutMs' | 'httpConnections' | 'httpPipelining';

const VARIABLES: readonly [name: string, key: Setting, min: number][] = [
  ['NOTIFY_HTTP_TIMEOUT_MS', 'httpTimeoutMs', 1],
  ['NOTIFY_HTTP_CONNECTIONS', 'httpConnections', 1],
  ['NOTIFY_HTTP_PIPELINING', 'httpPipelining', 1],
  ['NOTIFY_RETRY_HORIZON_MS', 'retryHorizonMs', 0],
  ['NOTIFY_BACKOFF_BASE_MS', 'backoffBaseMs', 1],
  ['NOTIFY_BACKOFF_MAX_MS', 'backoffMaxMs', 1],
  ['NOTIFY_LEASE_TTL_MS', 'leaseTtlMs', 100],
  ['NOTIFY_CONCURRENCY', 'concurrency', 1],
  ['NOTIFY_RULES_TTL_MS', 'targetsTtlMs', 0],
  ['NOTIFY_DLQ_MAXLEN', 'deadLetterMaxLen', 1],
];

export function loadNotifyConfig(env: Env = process.env): NotifyConfig {
  const config: NotifyConfig = { ...NOTIFY_DEFAULTS };
  for (const [name, key, min] of VARIABLES) config[key] = envNumber(env, name, NOTIFY_DEFAULTS[key], min);
  const amqpUrl = envText(env, 'AMQP_URL', '');
  return amqpUrl ? { ...config, amqpUrl } : config;
}
