/**
 * The stack's configuration (`snooze:*` keys in Pulumi.<stack>.yaml): every key, its default and its meaning in
 * one table, validated in one place. Every problem is reported at once, naming the key and what it accepts,
 * before any resource is declared. Secret values are checked with the dispatcher's own parsers, whose
 * messages never echo a token or key, and come out wrapped as Pulumi secrets.
 */
import * as pulumi from '@pulumi/pulumi';
// The same parsers the dispatcher runs at boot: a malformed credential list fails `pulumi up` before any
// container exists instead of crash-looping one.
import { parseApiKeys, parseApiTokens } from '../services/dispatcher/src/auth/credentials.js';

export const CONFIG_NAMESPACE = 'snooze';

export const STACK_DEFAULTS = {
  /** Base image of both service images (the Dockerfiles' NODE_IMAGE build argument). */
  nodeImage: 'node:20-bookworm-slim',
  redisImage: 'redis:7',
  dispatcherReplicas: 1,
  ingressReplicas: 1,
  /** Host address the API and CoAP ports are published on; 0.0.0.0 exposes them beyond this host. */
  publishAddress: '127.0.0.1',
  /** Host TCP port of dispatcher replica 0; replica i is published on apiPort + i. */
  apiPort: 8080,
  /** Host UDP port of ingress replica 0; replica i is published on coapPort + i. */
  coapPort: 5683,
  logLevel: 'info',
} as const;

export const MAX_REPLICAS = 16;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Variables the program sets itself from other keys: `dispatcherEnv`/`ingressEnv` may not override them,
 * or two keys would claim one setting.
 */
export const MANAGED_ENV = [
  'HOST',
  'PORT',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'PARTITIONS',
  'API_TOKENS',
  'API_KEYS',
  'AMQP_URL',
  'LOG_LEVEL',
  'SPEC_PATH',
  'COAP_HOST',
  'COAP_PORT',
  'INGRESS_ID',
  'METRICS_HOST',
  'METRICS_PORT',
] as const;

export interface StackConfig {
  stack: string;
  nodeImage: string;
  redisImage: string;
  dispatcherReplicas: number;
  ingressReplicas: number;
  publishAddress: string;
  apiPort: number;
  coapPort: number;
  logLevel: string;
  /** PARTITIONS for every service; unset leaves the services' shared default. Fixed for a stack's life. */
  partitions?: number;
  /** REDIS_KEY_PREFIX for every service; unset leaves the services' shared default. */
  redisKeyPrefix?: string;
  /** `token:project_id,...` (secret); at least one of apiTokens and apiKeys is set. */
  apiTokens?: pulumi.Output<string>;
  /** `ak:sk:project_id,...` (secret). */
  apiKeys?: pulumi.Output<string>;
  /** The notification forwarder's broker (secret, it carries credentials); unset = no AMQP pusher. */
  amqpUrl?: pulumi.Output<string>;
  /** Extra environment of every dispatcher / ingress replica (timeouts, NOTIFY_* tuning...). */
  dispatcherEnv: Record<string, string>;
  ingressEnv: Record<string, string>;
}

/** Reads one raw value; `pulumi.Config.get` in the program, a plain map in tests. */
export type ConfigReader = (key: string) => string | undefined;

export class StackConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack configuration (see infra/README.md, "Stack configuration"):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'StackConfigError';
  }
}

class Validator {
  readonly problems: string[] = [];

  constructor(private readonly read: ConfigReader) {}

  private raw(key: string): string | undefined {
    const value = this.read(key);
    return value === undefined || value === '' ? undefined : value;
  }

  private fail(key: string, message: string): void {
    this.problems.push(`${CONFIG_NAMESPACE}:${key} ${message}`);
  }

  text(key: string, fallback: string, pattern?: RegExp, shape?: string): string {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (pattern && !pattern.test(value)) this.fail(key, `must be ${shape}, got "${value}"`);
    return value;
  }

  optionalText(key: string, pattern: RegExp, shape: string): string | undefined {
    const value = this.raw(key);
    if (value !== undefined && !pattern.test(value)) this.fail(key, `must be ${shape}, got "${value}"`);
    return value;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const value = this.optionalInteger(key, min, max);
    return value ?? fallback;
  }

  optionalInteger(key: string, min: number, max: number): number | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(key, `must be an integer from ${min} to ${max}, got "${raw}"`);
      return min;
    }
    return value;
  }

  oneOf(key: string, fallback: string, allowed: readonly string[]): string {
    const value = this.raw(key) ?? fallback;
    if (!allowed.includes(value)) this.fail(key, `must be one of ${allowed.join(', ')}, got "${value}"`);
    return value;
  }

  /** The value comes out as a Pulumi secret; problems are described without it. */
  secret(key: string, check: (value: string, variable: string) => unknown): pulumi.Output<string> | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    try {
      check(value, `${CONFIG_NAMESPACE}:${key}`);
    } catch (error) {
      this.problems.push((error as Error).message);
    }
    return pulumi.secret(value);
  }

  env(key: string): Record<string, string> {
    const raw = this.raw(key);
    if (raw === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.fail(key, 'must be a map of environment variables (NAME: value)');
      return {};
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.fail(key, 'must be a map of environment variables (NAME: value)');
      return {};
    }
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) this.fail(key, `has "${name}", not an environment variable name`);
      else if ((MANAGED_ENV as readonly string[]).includes(name)) {
        this.fail(key, `may not set ${name}: the program sets it from its own key (see infra/README.md)`);
      } else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        this.fail(key, `${name} must be a string, number or boolean`);
      } else env[name] = String(value);
    }
    return env;
  }
}

const IMAGE_REF = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const KEY_PREFIX = /^[A-Za-z0-9:_.-]{1,64}$/;

export function loadStackConfig(read: ConfigReader, stack: string): StackConfig {
  const v = new Validator(read);
  const dispatcherReplicas = v.integer('dispatcherReplicas', STACK_DEFAULTS.dispatcherReplicas, 1, MAX_REPLICAS);
  const ingressReplicas = v.integer('ingressReplicas', STACK_DEFAULTS.ingressReplicas, 1, MAX_REPLICAS);
  // Every replica gets its own host port, so the whole range has to fit.
  const apiPort = v.integer('apiPort', STACK_DEFAULTS.apiPort, 1, 65536 - dispatcherReplicas);
  const coapPort = v.integer('coapPort', STACK_DEFAULTS.coapPort, 1, 65536 - ingressReplicas);
  const apiTokens = v.secret('apiTokens', (value, name) => parseApiTokens(value, name));
  const apiKeys = v.secret('apiKeys', (value, name) => parseApiKeys(value, name));
  const amqpUrl = v.secret('amqpUrl', (value, name) => {
    if (!/^amqps?:\/\/\S+$/.test(value)) throw new Error(`${name} must be an amqp:// or amqps:// URL`);
  });
  if (!apiTokens && !apiKeys) {
    v.problems.push(
      `${CONFIG_NAMESPACE}:apiTokens or ${CONFIG_NAMESPACE}:apiKeys must be set (as a secret), or nobody can call the API: ` +
        `pulumi config set --secret ${CONFIG_NAMESPACE}:apiTokens '<token>:<project_id>'`,
    );
  }
  const partitions = v.optionalInteger('partitions', 1, 1024);
  const redisKeyPrefix = v.optionalText('redisKeyPrefix', KEY_PREFIX, 'up to 64 of A-Z a-z 0-9 : _ . -');
  const config: StackConfig = {
    stack,
    nodeImage: v.text(
      'nodeImage',
      STACK_DEFAULTS.nodeImage,
      IMAGE_REF,
      'an image reference like node:20-bookworm-slim',
    ),
    redisImage: v.text('redisImage', STACK_DEFAULTS.redisImage, IMAGE_REF, 'an image reference like redis:7'),
    dispatcherReplicas,
    ingressReplicas,
    publishAddress: v.text('publishAddress', STACK_DEFAULTS.publishAddress, IPV4, 'an IPv4 address'),
    apiPort,
    coapPort,
    logLevel: v.oneOf('logLevel', STACK_DEFAULTS.logLevel, LOG_LEVELS),
    dispatcherEnv: v.env('dispatcherEnv'),
    ingressEnv: v.env('ingressEnv'),
    ...(partitions === undefined ? {} : { partitions }),
    ...(redisKeyPrefix === undefined ? {} : { redisKeyPrefix }),
    ...(apiTokens ? { apiTokens } : {}),
    ...(apiKeys ? { apiKeys } : {}),
    ...(amqpUrl ? { amqpUrl } : {}),
  };
  if (v.problems.length > 0) throw new StackConfigError(v.problems);
  return config;
}

/** The program's reader: the stack's `snooze:*` keys as Pulumi hands them over. */
export function pulumiConfigReader(): ConfigReader {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return (key) => config.get(key);
}
