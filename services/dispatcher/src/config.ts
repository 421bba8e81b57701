/**
 * The dispatcher's configuration: every environment variable it reads, its default and its meaning, in one
 * table. Core timing defaults come from the core's own table (`CORE_DEFAULTS`) so no number is stated twice.
 * Invalid values stop the process at boot with a message naming the variable.
 */
import { CORE_DEFAULTS } from '@snooze/core';

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

export type Env = Record<string, string | undefined>;

export function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

export function loadConfig(env: Env = process.env): DispatcherConfig {
  const redisUrl = env.REDIS_URL || undefined;
  const specPath = env.SPEC_PATH || undefined;
  return {
    host: text(env, 'HOST', DISPATCHER_DEFAULTS.host),
    port: int(env, 'PORT', DISPATCHER_DEFAULTS.port),
    ...(redisUrl ? { redisUrl } : {}),
    redisKeyPrefix: text(env, 'REDIS_KEY_PREFIX', CORE_DEFAULTS.keyPrefix),
    partitions: int(env, 'PARTITIONS', CORE_DEFAULTS.partitions, 1),
    apiTokens: text(env, 'API_TOKENS', ''),
    apiKeys: text(env, 'API_KEYS', ''),
    clockSkewMs: int(env, 'CLOCK_SKEW_SECONDS', DISPATCHER_DEFAULTS.clockSkewMs / 1000) * 1000,
    ackTimeoutMs: int(env, 'COMMAND_ACK_TIMEOUT_MS', CORE_DEFAULTS.ackTimeoutMs, 1),
    resultTimeoutMs: int(env, 'COMMAND_RESULT_TIMEOUT_MS', CORE_DEFAULTS.resultTimeoutMs, 1),
    retentionMs: int(env, 'HISTORY_RETENTION_HOURS', CORE_DEFAULTS.retentionMs / HOUR, 1) * HOUR,
    sweepIntervalMs: int(env, 'SWEEP_INTERVAL_MS', CORE_DEFAULTS.sweepIntervalMs, 10),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', DISPATCHER_DEFAULTS.bodyLimitBytes, 1024),
    rateLimitPerProject: int(env, 'RATE_LIMIT_PER_PROJECT', DISPATCHER_DEFAULTS.rateLimitPerProject),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', DISPATCHER_DEFAULTS.shutdownTimeoutMs, 0),
    logLevel: text(env, 'LOG_LEVEL', DISPATCHER_DEFAULTS.logLevel),
    ...(specPath ? { specPath } : {}),
  };
}
