import type { PartitionLeases } from './ports.js';

/** Leases of the embedded mode: one process, so plain maps (the clock is the process's). */
export class MemoryPartitionLeases implements PartitionLeases {
  private readonly leases = new Map<number, { holder: string; until: number }>();
  private readonly replicas = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether `holder` holds the partition now: the fence of MemoryForwarderLog's writes. */
  holds(partition: number, holder: string): boolean {
    const lease = this.leases.get(partition);
    return lease !== undefined && lease.holder === holder && lease.until > this.now();
  }

  async tryAcquire(partition: number, holder: string, ttlMs: number): Promise<boolean> {
    const lease = this.leases.get(partition);
    if (lease && lease.until > this.now()) return false;
    this.leases.set(partition, { holder, until: this.now() + ttlMs });
    return true;
  }

  async renew(partition: number, holder: string, ttlMs: number): Promise<boolean> {
    if (!this.holds(partition, holder)) return false;
    this.leases.set(partition, { holder, until: this.now() + ttlMs });
    return true;
  }

  async release(partition: number, holder: string): Promise<void> {
    if (this.leases.get(partition)?.holder === holder) this.leases.delete(partition);
  }

  async heartbeat(holder: string, ttlMs: number): Promise<number> {
    const now = this.now();
    this.replicas.set(holder, now + ttlMs);
    for (const [replica, until] of this.replicas) if (until <= now) this.replicas.delete(replica);
    return this.replicas.size;
  }

  async leave(holder: string): Promise<void> {
    this.replicas.delete(holder);
  }
}
