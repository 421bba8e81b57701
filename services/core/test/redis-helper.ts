import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../src/redis/client.js';

export const REDIS_URL = process.env.SNOOZE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  /** `snooze-test:<random>:` — every key a test file writes starts with it. */
  prefix: string;
  /** A fresh sub-prefix, for tests that need an empty keyspace of their own. */
  subPrefix(): string;
  /** Deletes every key under the prefix (SCAN + DEL, never FLUSHDB) and closes the client. */
  cleanup(): Promise<void>;
}

export function testRedis(): TestRedis {
  const redis = createRedisClient(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  const prefix = `snooze-test:${randomUUID().slice(0, 8)}:`;
  let n = 0;
  return {
    redis,
    prefix,
    subPrefix: () => `${prefix}${n++}:`,
    cleanup: async () => {
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

export async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await scanKeys(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}
