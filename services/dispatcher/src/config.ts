/**
 * The dispatcher's configuration: every environment variable it reads, its default and its meaning, in one
 * table. Core timing defaults come from the core's own table (`CORE_DEFAULTS`) so no number is stated twice.
 * Invalid values stop the process at boot with a message naming the variable.
 */
import { CORE_DEFAULTS, type Env, envNumber, envText } from '@snooze/core';

const envInt = (env: Env, name: string, fallback: number, min = 0) => envNumber(env, name, fallback, min);

export interface DispatcherConfig {
  host: string;
  port: number;
  /** Unset: the embedded in-memory store (single process, nothing survives a restart). */
  redisUrl?: string;
  redisKeyPrefix: string;
  partitions: number;
  apiTokens: string;
  apiKeys: string;
  clockSkewMs: number;
  ackTimeoutMs: number;
  resultTimeoutMs: number;
  retentionMs: number;
  sweepIntervalMs: number;
  bodyLimitBytes: number;
  /** Requests per second per project; 0 turns the limiter off. */
  rateLimitPerProject: number;
  shutdownTimeoutMs: number;
  logLevel: string;
  specPath?: string;
}

const HOUR = 60 * 60 * 1000;

export const DISPATCHER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  clockSkewMs: 15 * 60 * 1000, // APIG's customary window for X-Sdk-Date (reference §9.4)
  // 256 KB of paras plus the rest of the request object; larger bodies are refused with 413 before parsing.
  bodyLimitBytes: 300 * 1024,
  rateLimitPerProject: 0,
  shutdownTimeoutMs: 10_000,
  logLevel: 'info',
} as const;

export function loadConfig(env: Env = process.env): DispatcherConfig {
  const redisUrl = env.REDIS_URL || undefined;
  const specPath = env.SPEC_PATH || undefined;
  return {
    host: envText(env, 'HOST', DISPATCHER_DEFAULTS.host),
    port: envInt(env, 'PORT', DISPATCHER_DEFAULTS.port),
    ...(redisUrl ? { redisUrl } : {}),
    redisKeyPrefix: envText(env, 'REDIS_KEY_PREFIX', CORE_DEFAULTS.keyPrefix),
    partitions: envInt(env, 'PARTITIONS', CORE_DEFAULTS.partitions, 1),
    apiTokens: envText(env, 'API_TOKENS', ''),
    apiKeys: envText(env, 'API_KEYS', ''),
    clockSkewMs: envInt(env, 'CLOCK_SKEW_SECONDS', DISPATCHER_DEFAULTS.clockSkewMs / 1000) * 1000,
    ackTimeoutMs: envInt(env, 'COMMAND_ACK_TIMEOUT_MS', CORE_DEFAULTS.ackTimeoutMs, 1),
    resultTimeoutMs: envInt(env, 'COMMAND_RESULT_TIMEOUT_MS', CORE_DEFAULTS.resultTimeoutMs, 1),
    retentionMs: envInt(env, 'HISTORY_RETENTION_HOURS', CORE_DEFAULTS.retentionMs / HOUR, 1) * HOUR,
    sweepIntervalMs: envInt(env, 'SWEEP_INTERVAL_MS', CORE_DEFAULTS.sweepIntervalMs, 10),
    bodyLimitBytes: envInt(env, 'BODY_LIMIT_BYTES', DISPATCHER_DEFAULTS.bodyLimitBytes, 1024),
    rateLimitPerProject: envInt(env, 'RATE_LIMIT_PER_PROJECT', DISPATCHER_DEFAULTS.rateLimitPerProject),
    shutdownTimeoutMs: envInt(env, 'SHUTDOWN_TIMEOUT_MS', DISPATCHER_DEFAULTS.shutdownTimeoutMs, 0),
    logLevel: envText(env, 'LOG_LEVEL', DISPATCHER_DEFAULTS.logLevel),
    ...(specPath ? { specPath } : {}),
  };
}
