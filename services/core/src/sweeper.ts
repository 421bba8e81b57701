import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from './clock.js';
import { CORE_DEFAULTS } from './defaults.js';
import type { CommandStore, SweepResult } from './store.js';

/**
 * Per-partition mutual exclusion between sweeping replicas. Leases only save duplicate work: the
 * sweep scripts check each command's status atomically, so two sweepers of one partition still end
 * every command once.
 */
export interface SweepLeases {
  tryAcquire(partition: number, holder: string, ttlMs: number): Promise<boolean>;
  release(partition: number, holder: string): Promise<void>;
}

/** Leases for sweepers sharing one process (the embedded mode). */
export class MemoryLeases implements SweepLeases {
  private readonly held = new Map<number, { holder: string; until: number }>();

  async tryAcquire(partition: number, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const current = this.held.get(partition);
    if (current && current.until > now && current.holder !== holder) return false;
    this.held.set(partition, { holder, until: now + ttlMs });
    return true;
  }

  async release(partition: number, holder: string): Promise<void> {
    if (this.held.get(partition)?.holder === holder) this.held.delete(partition);
  }
}

export interface SweeperOptions {
  store: CommandStore;
  leases?: SweepLeases;
  clock?: Clock;
  intervalMs?: number;
  retentionMs?: number;
  leaseMs?: number;
  /** Identifies this replica in leases; random by default. */
  holderId?: string;
  /** Sweep calls per partition and tick while the store reports more work (bounds one tick). */
  maxRoundsPerPartition?: number;
  onError?: (error: unknown) => void;
}

export type SweepTotals = Required<Omit<SweepResult, 'more'>>;

/**
 * Ends overdue commands (EXPIRED, TIMEOUT) and purges old history, partition by partition, every
 * `intervalMs`. Safe to run in several replicas at once (see SweepLeases).
 */
export class Sweeper {
  private readonly store: CommandStore;
  private readonly leases: SweepLeases;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly retentionMs: number;
  private readonly leaseMs: number;
  private readonly holderId: string;
  private readonly maxRounds: number;
  private readonly onError: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> | undefined;
  private running = false;

  constructor(options: SweeperOptions) {
    this.store = options.store;
    this.leases = options.leases ?? new MemoryLeases();
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.intervalMs ?? CORE_DEFAULTS.sweepIntervalMs;
    this.retentionMs = options.retentionMs ?? CORE_DEFAULTS.retentionMs;
    this.leaseMs = options.leaseMs ?? CORE_DEFAULTS.sweepLeaseMs;
    this.holderId = options.holderId ?? randomUUID();
    this.maxRounds = options.maxRoundsPerPartition ?? 10;
    this.onError = options.onError ?? (() => {});
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops the timer and waits for a sweep in progress to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One pass over every partition whose lease this replica gets. */
  async sweepOnce(now: number = this.clock.now()): Promise<SweepTotals> {
    const totals: SweepTotals = { expired: 0, timedOut: 0, purged: 0 };
    for (let partition = 0; partition < this.store.partitions; partition++) {
      if (!(await this.leases.tryAcquire(partition, this.holderId, this.leaseMs))) continue;
      try {
        for (let round = 0; round < this.maxRounds; round++) {
          const result = await this.store.sweep(partition, now, this.retentionMs);
          totals.expired += result.expired;
          totals.timedOut += result.timedOut;
          totals.purged += result.purged;
          if (!result.more) break;
        }
      } finally {
        await this.leases.release(partition, this.holderId);
      }
    }
    return totals;
  }

  /** setTimeout after each pass (not setInterval): a slow pass never overlaps the next one. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      const pass = this.sweepOnce()
        .catch(this.onError)
        .finally(() => {
          this.inFlight = undefined;
          if (this.running) this.schedule();
        });
      this.inFlight = pass;
    }, this.intervalMs);
    this.timer.unref();
  }
}
