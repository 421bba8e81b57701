import type { Redis } from 'ioredis';
import { registerScripts, registerScriptTable, runScript, runTableScript } from '../redis/scripts.js';
import type { PartitionLeases } from './ports.js';
import type { NotifyKeys } from './redis-keys.js';
import { NOTIFY_SCRIPTS } from './redis-scripts.js';

/** Forwarder leases in Redis: `SET NX PX`, renewed and released only by their holder (Lua compare-and-set). */
export class RedisPartitionLeases implements PartitionLeases {
  constructor(
    private readonly redis: Redis,
    private readonly keys: NotifyKeys,
  ) {
    registerScripts(redis);
    registerScriptTable(redis, NOTIFY_SCRIPTS);
  }

  async tryAcquire(partition: number, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.lease(partition), holder, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renew(partition: number, holder: string, ttlMs: number): Promise<boolean> {
    return (
      (await runTableScript(
        this.redis,
        NOTIFY_SCRIPTS,
        'snoozeNotifyRenew',
        [this.keys.lease(partition)],
        [holder, ttlMs],
      )) === 1
    );
  }

  async release(partition: number, holder: string): Promise<void> {
    await runScript(this.redis, 'snoozeDelIf', [this.keys.lease(partition)], [holder]);
  }

  async heartbeat(holder: string, ttlMs: number): Promise<number> {
    return Number(
      await runTableScript(
        this.redis,
        NOTIFY_SCRIPTS,
        'snoozeNotifyHeartbeat',
        [this.keys.replicas()],
        [holder, ttlMs],
      ),
    );
  }

  async leave(holder: string): Promise<void> {
    await this.redis.zrem(this.keys.replicas(), holder);
  }
}
