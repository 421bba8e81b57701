/**
 * The ingress's configuration: every environment variable it reads, with its default and meaning, in
 * one place. Core defaults come from CORE_DEFAULTS and CoAP timing from parameters.ts, so no number is
 * stated twice. Invalid values stop the process at boot with a message naming the variable.
 */
import { hostname } from 'node:os';
import { CORE_DEFAULTS, type Env, envNumber, envText } from '@snooze/core';
import type { CoapTiming } from './coap-timing.js';
import { DEFAULT_LIFETIME_S, NB_IOT_TIMING, piggybackWindowMs, QUEUE_MODE_AWAKE_MS } from './parameters.js';

export interface IngressConfig {
  /** COAP_HOST: address the UDP socket binds to. */
  host: string;
  /** COAP_PORT: 0 picks a free port (tests). */
  port: number;
  /** INGRESS_ID: this replica's name in presence keys and hand-off channels; unique per replica. */
  ingressId: string;
  /** REDIS_URL: unset = the embedded in-memory store (only meaningful inside `npm start`). */
  redisUrl?: string;
  redisKeyPrefix: string;
  partitions: number;
  timing: CoapTiming;
  /** COAP_PIGGYBACK_MS: how long a handler may take and still answer in the ACK. */
  piggybackMs: number;
  /** COMMAND_ACK_TIMEOUT_MS / COMMAND_RESULT_TIMEOUT_MS: the core's deadlines, for the ingress run alone. */
  ackTimeoutMs: number;
  resultTimeoutMs: number;
  /** QUEUE_MODE_AWAKE_MS: how long a UQ device listens after its own last message. */
  queueModeAwakeMs: number;
  /** DEFAULT_LIFETIME_S: the registration lifetime when `lt` is absent. */
  defaultLifetimeS: number;
  /** DEVICE_CACHE_MS: node_id → device lookups are cached this long (0 = always ask the store). */
  deviceCacheMs: number;
  /** COAP_RECV_BUFFER_BYTES: UDP receive buffer, sized for bursts of wake-ups (capped by the kernel). */
  recvBufferBytes: number;
  /** CODECS: `productId:codecName,...`; unlisted products use the JSON codec. */
  codecs: string;
  logLevel: string;
  /** METRICS_HOST / METRICS_PORT: /metrics and /healthz when the ingress runs alone; port 0 = off. */
  metricsHost: string;
  metricsPort: number;
  shutdownTimeoutMs: number;
}

export const INGRESS_DEFAULTS = {
  host: '127.0.0.1',
  port: 5683,
  timing: NB_IOT_TIMING,
  piggybackMs: piggybackWindowMs(NB_IOT_TIMING),
  queueModeAwakeMs: QUEUE_MODE_AWAKE_MS,
  defaultLifetimeS: DEFAULT_LIFETIME_S,
  deviceCacheMs: 30_000,
  recvBufferBytes: 4 * 1024 * 1024,
  codecs: '',
  logLevel: 'info',
  metricsHost: '127.0.0.1',
  metricsPort: 9464,
  shutdownTimeoutMs: 10_000,
} as const;

export function loadIngressConfig(env: Env = process.env): IngressConfig {
  const redisUrl = env.REDIS_URL || undefined;
  const timing: CoapTiming = {
    ackTimeoutMs: envNumber(env, 'COAP_ACK_TIMEOUT_MS', INGRESS_DEFAULTS.timing.ackTimeoutMs, 1),
    ackRandomFactor: envNumber(env, 'COAP_ACK_RANDOM_FACTOR', INGRESS_DEFAULTS.timing.ackRandomFactor, 1, false),
    maxRetransmit: envNumber(env, 'COAP_MAX_RETRANSMIT', INGRESS_DEFAULTS.timing.maxRetransmit, 0),
  };
  return {
    host: envText(env, 'COAP_HOST', INGRESS_DEFAULTS.host),
    port: envNumber(env, 'COAP_PORT', INGRESS_DEFAULTS.port, 0),
    ingressId: envText(env, 'INGRESS_ID', `${hostname()}-${process.pid}`),
    ...(redisUrl ? { redisUrl } : {}),
    redisKeyPrefix: envText(env, 'REDIS_KEY_PREFIX', CORE_DEFAULTS.keyPrefix),
    partitions: envNumber(env, 'PARTITIONS', CORE_DEFAULTS.partitions, 1),
    timing,
    piggybackMs: envNumber(env, 'COAP_PIGGYBACK_MS', piggybackWindowMs(timing), 0),
    ackTimeoutMs: envNumber(env, 'COMMAND_ACK_TIMEOUT_MS', CORE_DEFAULTS.ackTimeoutMs, 1),
    resultTimeoutMs: envNumber(env, 'COMMAND_RESULT_TIMEOUT_MS', CORE_DEFAULTS.resultTimeoutMs, 1),
    queueModeAwakeMs: envNumber(env, 'QUEUE_MODE_AWAKE_MS', INGRESS_DEFAULTS.queueModeAwakeMs, 1),
    defaultLifetimeS: envNumber(env, 'DEFAULT_LIFETIME_S', INGRESS_DEFAULTS.defaultLifetimeS, 1),
    deviceCacheMs: envNumber(env, 'DEVICE_CACHE_MS', INGRESS_DEFAULTS.deviceCacheMs, 0),
    recvBufferBytes: envNumber(env, 'COAP_RECV_BUFFER_BYTES', INGRESS_DEFAULTS.recvBufferBytes, 0),
    codecs: envText(env, 'CODECS', INGRESS_DEFAULTS.codecs),
    logLevel: envText(env, 'LOG_LEVEL', INGRESS_DEFAULTS.logLevel),
    metricsHost: envText(env, 'METRICS_HOST', INGRESS_DEFAULTS.metricsHost),
    metricsPort: envNumber(env, 'METRICS_PORT', INGRESS_DEFAULTS.metricsPort, 0),
    shutdownTimeoutMs: envNumber(env, 'SHUTDOWN_TIMEOUT_MS', INGRESS_DEFAULTS.shutdownTimeoutMs, 0),
  };
}
