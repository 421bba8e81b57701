import type { Redis } from 'ioredis';
import type { SweepLeases } from '../sweeper.js';
import type { RedisKeys } from './keys.js';
import { registerScripts, runScript } from './scripts.js';

/** Sweep leases shared by all replicas: `SET P{pN}:lease:sweep <holder> NX PX <ttl>`. */
export class RedisLeases implements SweepLeases {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    registerScripts(redis);
  }

  async tryAcquire(partition: number, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.lease(partition), holder, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Only the holder's own lease is released: one that expired and was taken over stays. */
  async release(partition: number, holder: string): Promise<void> {
    await runScript(this.redis, 'snoozeDelIf', [this.keys.lease(partition)], [holder]);
  }
}
