import type { Redis } from 'ioredis';
import { CORE_DEFAULTS } from './defaults.js';
import { LocalDelivery } from './delivery.js';
import { MemoryStore } from './memory-store.js';
import { createRedisClient } from './redis/client.js';
import { RedisDelivery } from './redis/delivery.js';
import { RedisLeases } from './redis/leases.js';
import { RedisStore } from './redis/store.js';
import { MemoryRuleStore } from './rules/memory-rule-store.js';
import { RedisRuleStore } from './rules/redis-rule-store.js';
import type { RuleStore } from './rules/rule-store.js';
import type { CommandStore } from './store.js';
import { MemoryLeases, type SweepLeases } from './sweeper.js';

export interface RuntimeOptions {
  /** Unset: everything in this process's memory (the embedded mode of `npm start`). */
  redisUrl?: string;
  keyPrefix?: string;
  partitions?: number;
  onError?: (error: unknown) => void;
}

/** The stateful parts every service needs, chosen once from the configuration. */
export type Runtime =
  | {
      mode: 'embedded';
      store: CommandStore;
      rules: RuleStore;
      leases: SweepLeases;
      delivery: LocalDelivery;
      close(): Promise<void>;
    }
  | {
      mode: 'redis';
      store: RedisStore;
      rules: RuleStore;
      leases: SweepLeases;
      delivery: RedisDelivery;
      redis: Redis;
      keyPrefix: string;
      close(): Promise<void>;
    };

export function openRuntime(options: RuntimeOptions = {}): Runtime {
  const onError = options.onError ?? (() => {});
  if (!options.redisUrl) {
    const store = new MemoryStore({ partitions: options.partitions ?? CORE_DEFAULTS.partitions });
    return {
      mode: 'embedded',
      store,
      rules: new MemoryRuleStore(),
      leases: new MemoryLeases(),
      delivery: new LocalDelivery({ onError }),
      close: () => store.close(),
    };
  }
  const keyPrefix = options.keyPrefix ?? CORE_DEFAULTS.keyPrefix;
  // While Redis is away a command waits for at most one reconnection attempt (at most a second apart), so
  // requests get a prompt 500 and /readyz a 503; the client keeps reconnecting and recovers by itself.
  const redis = createRedisClient(options.redisUrl, {
    onError,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  const store = new RedisStore(redis, { keyPrefix, partitions: options.partitions ?? CORE_DEFAULTS.partitions });
  return {
    mode: 'redis',
    store,
    rules: new RedisRuleStore(redis, keyPrefix),
    leases: new RedisLeases(redis, store.keys),
    delivery: new RedisDelivery(redis, { keyPrefix, partitions: store.partitions, onError }),
    redis,
    keyPrefix,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
