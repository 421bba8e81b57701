import { afterAll } from 'vitest';
import { RedisStore } from '../src/redis/store.js';
import { testRedis } from './redis-helper.js';
import { describeStoreConformance } from './store-conformance.js';

const t = testRedis();
afterAll(() => t.cleanup());

describeStoreConformance('RedisStore', async (options = {}) => {
  const store = new RedisStore(t.redis, { keyPrefix: t.subPrefix(), partitions: 4, ...options });
  return { store, dispose: async () => {} };
});
