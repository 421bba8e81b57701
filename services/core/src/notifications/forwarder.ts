import { randomUUID } from 'node:crypto';
import { FORWARDER_DEFAULTS } from './defaults.js';
import type { DeadLetterEntry } from './model.js';
import type { ForwarderObserver } from './observer.js';
import { PartitionWorker } from './partition-worker.js';
import type { ForwarderLog, PartitionLeases } from './ports.js';
import type { Pushers } from './pusher.js';
import type { RetryPolicy } from './retry-policy.js';
import { type ActiveActionSource, TargetCache } from './targets.js';

type Tunables = { -readonly [K in keyof typeof FORWARDER_DEFAULTS]: number };

export interface ForwarderOptions extends Partial<Tunables> {
  log: ForwarderLog;
  leases: PartitionLeases;
  rules: ActiveActionSource;
  pushers: Pushers;
  /** Identifies this replica in leases and heartbeats; random by default. */
  holderId?: string;
  observer?: ForwarderObserver;
  /** Jitter source of the backoff ([0, 1)). */
  random?: () => number;
  now?: () => number;
}

interface Held {
  worker: PartitionWorker;
  renewedAt: number;
}

/**
 * The notification forwarder of one replica. Replicas share the partitions through leases, as Kafka
 * consumers share a topic's partitions: every `leaseTtlMs / 3` a replica heartbeats, renews its leases (a
 * lease it cannot renew is given up at once), gives back partitions above its fair share
 * `ceil(partitions / live replicas)` and takes free ones up to it. A replica that dies stops renewing: its
 * heartbeat and leases expire, the fair share of the others grows, and they take its partitions over from
 * their durable cursors and outboxes.
 */
export class Forwarder {
  readonly holderId: string;
  private readonly options: ForwarderOptions;
  private readonly settings: Tunables;
  private readonly targets: TargetCache;
  private readonly observer: ForwarderObserver;
  private readonly now: () => number;
  private readonly held = new Map<number, Held>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private running = false;
  private stopped = false;

  constructor(options: ForwarderOptions) {
    this.options = options;
    this.settings = { ...FORWARDER_DEFAULTS };
    for (const key of Object.keys(FORWARDER_DEFAULTS) as (keyof Tunables)[]) {
      const value = options[key];
      if (value !== undefined) this.settings[key] = value;
    }
    this.holderId = options.holderId ?? randomUUID();
    this.observer = options.observer ?? {};
    this.now = options.now ?? Date.now;
    this.targets = new TargetCache(options.rules, this.settings.targetsTtlMs, this.now);
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops every partition (pushes in flight are cancelled and pushed again by the next holder), gives the leases back. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([...this.held.keys()].map((partition) => this.drop(partition, 'stop', true)));
    await this.options.leases.leave(this.holderId).catch(() => {});
  }

  /** Partitions this replica works on now, ascending. */
  partitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** The oldest dead letters of a partition, for inspection (any replica can read any partition's). */
  deadLetters(partition: number, count: number): Promise<DeadLetterEntry[]> {
    return this.options.log.deadLetters(partition, count);
  }

  /** One heartbeat/renew/balance step (the timer runs it; tests call it to move on without waiting). */
  async rebalance(): Promise<void> {
    const { leases } = this.options;
    const { leaseTtlMs } = this.settings;
    const now = this.now();
    let live: number;
    try {
      live = await leases.heartbeat(this.holderId, leaseTtlMs);
    } catch (error) {
      this.observer.error?.(error, { stage: 'heartbeat' });
      await this.dropUnconfirmed(now);
      return;
    }
    await Promise.all(
      [...this.held].map(async ([partition, held]) => {
        try {
          if (await leases.renew(partition, this.holderId, leaseTtlMs)) held.renewedAt = now;
          else await this.drop(partition, 'lease lost', false);
        } catch (error) {
          this.observer.error?.(error, { partition, stage: 'renew' });
        }
      }),
    );
    await this.dropUnconfirmed(now);
    const fair = Math.ceil(this.options.log.partitions / Math.max(1, live));
    for (const partition of this.partitions().slice(fair)) await this.drop(partition, 'rebalance', true);
    await this.acquire(fair);
  }

  private async acquire(fair: number): Promise<void> {
    const total = this.options.log.partitions;
    // Each replica starts its search elsewhere, so replicas starting together rarely race for the same keys.
    const offset = Math.floor((this.options.random ?? Math.random)() * total);
    for (let i = 0; i < total && this.held.size < fair && !this.stopped; i++) {
      const partition = (offset + i) % total;
      if (this.held.has(partition)) continue;
      try {
        if (!(await this.options.leases.tryAcquire(partition, this.holderId, this.settings.leaseTtlMs))) continue;
      } catch (error) {
        this.observer.error?.(error, { partition, stage: 'acquire' });
        return;
      }
      this.startWorker(partition);
    }
  }

  private startWorker(partition: number): void {
    const { settings, options } = this;
    const worker = new PartitionWorker(partition, {
      log: options.log,
      holder: this.holderId,
      targets: this.targets,
      pushers: options.pushers,
      policy: {
        backoffBaseMs: settings.backoffBaseMs,
        backoffMaxMs: settings.backoffMaxMs,
        retryHorizonMs: settings.retryHorizonMs,
        ...(options.random ? { random: options.random } : {}),
      } satisfies RetryPolicy,
      eventBatch: settings.eventBatch,
      cursorSaveMs: settings.cursorSaveMs,
      quietLingerMs: settings.quietLingerMs,
      outboxBatch: settings.outboxBatch,
      concurrency: settings.concurrency,
      blockMs: settings.blockMs,
      lingerMs: settings.lingerMs,
      errorDelayMs: settings.errorDelayMs,
      observer: this.observer,
      now: this.now,
      onLeaseLost: (lost) => {
        void this.drop(lost, 'lease lost', false);
      },
    });
    this.held.set(partition, { worker, renewedAt: this.now() });
    worker.start();
    this.observer.partitionAcquired?.(partition);
  }

  /** A lease not confirmed for a whole TTL may be someone else's by now: stop working on it. */
  private async dropUnconfirmed(now: number): Promise<void> {
    const stale = [...this.held].filter(([, held]) => now - held.renewedAt >= this.settings.leaseTtlMs);
    await Promise.all(stale.map(([partition]) => this.drop(partition, 'lease lost', false)));
  }

  private async drop(partition: number, why: 'rebalance' | 'lease lost' | 'stop', release: boolean): Promise<void> {
    const held = this.held.get(partition);
    if (!held) return;
    this.held.delete(partition);
    await held.worker.stop();
    if (release) await this.options.leases.release(partition, this.holderId).catch(() => {});
    this.observer.partitionReleased?.(partition, why);
  }

  /** setTimeout after each step (not setInterval): a slow step never overlaps the next. */
  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.ticking = this.rebalance()
        .catch((error: unknown) => this.observer.error?.(error, { stage: 'rebalance' }))
        .finally(() => {
          this.ticking = undefined;
          if (this.running) this.schedule(Math.max(1, Math.floor(this.settings.leaseTtlMs / 3)));
        });
    }, delayMs);
    this.timer.unref();
  }
}
