import type { Channel, RuleAction } from '../rules/model.js';
import { compareEventIds } from '../store-support.js';
import { messageOf } from './message-of.js';
import type { DeadLetter, DeadLetterCause, OutboxEntry, OutboxRef } from './model.js';
import { buildNotification } from './notification.js';
import type { ForwarderObserver, PushVerdict } from './observer.js';
import type { ForwarderLog } from './ports.js';
import type { Pusher, Pushers } from './pusher.js';
import { backoffDelay, pastHorizon, type RetryPolicy } from './retry-policy.js';
import { sleep } from './sleep.js';
import type { TargetCache } from './targets.js';

/** What an outbox lane needs from its partition worker. */
export interface LaneContext {
  partition: number;
  holder: string;
  log: ForwarderLog;
  targets: TargetCache;
  pushers: Pushers;
  policy: RetryPolicy;
  batch: number;
  concurrency: number;
  errorDelayMs: number;
  /** Settles of this outbox are at least this far apart (acks accumulate meanwhile). */
  lingerMs: number;
  observer: ForwarderObserver;
  /** Aborted when the partition is given up: pushes in flight are cancelled, sleeps end. */
  signal: AbortSignal;
  now: () => number;
  leaseLost(): void;
}

interface Round {
  delivered: string[];
  dead: DeadLetter[];
  /** Entries still to deliver, in outbox order. */
  remaining: OutboxEntry[];
  error: string;
}

const GONE = 'the action was deleted or its rule is no longer active';
/** A lane with nothing to do ends after this long (the next fan-out to its outbox starts a new one). */
const IDLE_MS = 30_000;
/** Past this many buffered entries (a receiver far behind), the lane reads its backlog from the log instead. */
const BUFFER_MAX = 10_000;
/** Settle attempts before a read when settling keeps failing (the unsettled ones may be pushed again). */
const FLUSH_TRIES = 3;

/**
 * Delivers one action's outbox of one partition. Entries of one device go one at a time in outbox order;
 * different devices go concurrently (up to `concurrency`). The first retryable failure halts the round: what
 * was not delivered waits for an exponential backoff, which holds up this outbox only, never another action's.
 * Entries still failing past the horizon, or failing for good (a 4xx), go to the dead letters.
 *
 * The log is the truth, but the lane does not read back what the fan-out just wrote: the worker hands it the
 * new entries (`offer`), and the lane reads the log only when it starts, after an error, or when its backlog
 * outgrew its buffer. Delivered and dead entries leave the buffer at once and the log in the background, one
 * fenced `settle` at a time (they accumulate while one is in flight). A replica that crashes before its
 * settle lands makes the next holder push those entries again: at least once, each device's first deliveries
 * still in order.
 */
export class OutboxLane {
  readonly done: Promise<void>;
  private woken = false;
  private wakeWaiter: (() => void) | undefined;
  /** Consecutive rounds that ended in a retryable failure. */
  private failures = 0;
  private lastError = '';
  private readonly attempts = new Map<string, number>();
  /** Undelivered entries in outbox order: all of them while `complete`, else a prefix. */
  private buffer: OutboxEntry[] = [];
  private complete = false;
  private lastId = '0';
  /** Entries offered while a read of the log is in flight. */
  private offeredDuringRead: OutboxEntry[] | undefined;
  private acks: string[] = [];
  private dead: { letter: DeadLetter; channel?: Channel }[] = [];
  private settling: Promise<void> | undefined;
  private lastSettle = 0;

  constructor(
    readonly target: OutboxRef,
    private readonly ctx: LaneContext,
    private readonly onIdle: (lane: OutboxLane) => void,
  ) {
    this.done = this.run();
  }

  /** New entries the fan-out just wrote to this outbox, in order. */
  offer(entries: readonly OutboxEntry[]): void {
    if (this.offeredDuringRead) this.offeredDuringRead.push(...entries);
    else if (this.complete) this.append(entries);
    this.woken = true;
    this.wakeWaiter?.();
  }

  private async run(): Promise<void> {
    const { signal } = this.ctx;
    while (!signal.aborted) {
      if (this.buffer.length === 0 && !this.complete) await this.load();
      if (this.buffer.length > 0) {
        if (!(await this.deliver(this.buffer.slice(0, this.ctx.batch)))) break;
        continue;
      }
      if (!this.complete || (await this.idle())) continue;
      await this.flushSettles();
      // Anything offered meanwhile keeps the lane; otherwise the worker forgets it, synchronously.
      if (this.buffer.length === 0 && !this.woken && !signal.aborted) {
        this.onIdle(this);
        return;
      }
    }
    await this.flushSettles();
  }

  /** Reads the oldest undelivered entries from the log (after settling, so none is read back delivered). */
  private async load(): Promise<void> {
    const { ctx } = this;
    await this.flushSettles();
    this.offeredDuringRead = [];
    let entries: OutboxEntry[];
    try {
      entries = await ctx.log.readOutbox(ctx.partition, this.target, ctx.batch);
    } catch (error) {
      this.offeredDuringRead = undefined;
      this.report(error, 'read outbox');
      await sleep(ctx.errorDelayMs, ctx.signal);
      return;
    }
    const offered = this.offeredDuringRead;
    this.offeredDuringRead = undefined;
    this.buffer = entries;
    this.lastId = entries.at(-1)?.id ?? this.lastId;
    this.complete = entries.length < ctx.batch;
    // Offered entries written before the read are in `entries` already; append() skips them by position.
    if (this.complete) this.append(offered);
  }

  private append(entries: readonly OutboxEntry[]): void {
    for (const entry of entries) {
      if (compareEventIds(entry.id, this.lastId) <= 0) continue;
      this.buffer.push(entry);
      this.lastId = entry.id;
    }
    if (this.buffer.length > BUFFER_MAX) this.complete = false;
  }

  /** Waits for an offer; false after IDLE_MS without one (or on abort). */
  private idle(): Promise<boolean> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.ctx.signal.removeEventListener('abort', onAbort);
        this.wakeWaiter = undefined;
        this.woken = false;
        resolve(woken);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), IDLE_MS);
      this.wakeWaiter = () => finish(true);
      this.ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Until every entry is delivered or dead; false when the lane must end (lease lost). */
  private async deliver(entries: OutboxEntry[]): Promise<boolean> {
    const { ctx } = this;
    let pending = entries;
    while (pending.length > 0 && !ctx.signal.aborted) {
      let action: RuleAction | undefined;
      let round: Round;
      try {
        action = await ctx.targets.action(this.target.projectId, this.target.actionId);
        round = await this.round(pending, action);
      } catch (error) {
        round = { delivered: [], dead: [], remaining: pending, error: `rules unavailable: ${messageOf(error)}` };
      }
      this.record(round, action);
      pending = round.remaining;
      if (pending.length === 0) {
        this.failures = 0;
        break;
      }
      this.failures++;
      this.lastError = round.error;
      const delayMs = backoffDelay(ctx.policy, this.failures);
      ctx.observer.retryScheduled?.({
        partition: ctx.partition,
        target: this.target,
        failures: this.failures,
        delayMs,
        reason: round.error,
        waiting: pending,
      });
      await sleep(delayMs, ctx.signal);
    }
    return !ctx.signal.aborted;
  }

  private async round(pending: OutboxEntry[], action: RuleAction | undefined): Promise<Round> {
    const round: Round = { delivered: [], dead: [], remaining: [], error: '' };
    const pusher = action && this.ctx.pushers[action.channel];
    if (!action || !pusher) {
      round.dead = action
        ? pending.map((entry) => this.letter(entry, 'no_pusher', `no ${action.channel} pusher is configured here`))
        : pending.map((entry) => this.letter(entry, 'action_gone', GONE));
      return round;
    }
    let halted = false;
    await forEachLimited(byDevice(pending), this.ctx.concurrency, async (chain) => {
      for (let i = 0; i < chain.length; i++) {
        const entry = chain[i] as OutboxEntry;
        if (halted || this.ctx.signal.aborted) {
          round.remaining.push(...chain.slice(i));
          return;
        }
        // While the receiver keeps failing, entries past the horizon are given up without another try.
        if (this.failures > 0 && pastHorizon(this.ctx.policy, entry, this.ctx.now())) {
          round.dead.push(this.letter(entry, 'horizon', `retry horizon passed; last error: ${this.lastError}`));
          continue;
        }
        if ((await this.pushOne(pusher, action, entry, round)) === 'retry') {
          halted = true;
          round.remaining.push(...chain.slice(i));
          return;
        }
      }
    });
    round.remaining.sort((a, b) => compareEventIds(a.id, b.id));
    return round;
  }

  private async pushOne(pusher: Pusher, action: RuleAction, entry: OutboxEntry, round: Round): Promise<PushVerdict> {
    const { ctx } = this;
    const attempt = (this.attempts.get(entry.id) ?? 0) + 1;
    this.attempts.set(entry.id, attempt);
    const body = JSON.stringify(buildNotification(entry.eventId, entry.event, action.appId));
    const started = performance.now();
    const outcome = await pusher.push({ action, eventId: entry.eventId, body, signal: ctx.signal });
    const durationMs = performance.now() - started;
    let verdict: PushVerdict;
    if (outcome.ok) {
      verdict = 'delivered';
      round.delivered.push(entry.id);
    } else if (!outcome.retryable) {
      verdict = 'dead';
      round.dead.push(this.letter(entry, 'rejected', outcome.reason));
    } else if (pastHorizon(ctx.policy, entry, ctx.now())) {
      verdict = 'dead';
      round.dead.push(this.letter(entry, 'horizon', `retry horizon passed; last error: ${outcome.reason}`));
    } else {
      verdict = 'retry';
      round.error ||= outcome.reason;
    }
    ctx.observer.attempted?.({
      partition: ctx.partition,
      target: this.target,
      action,
      entry,
      outcome,
      verdict,
      attempt,
      durationMs,
    });
    return verdict;
  }

  /** Takes a round's delivered and dead entries out of the buffer and queues them for the log. */
  private record(round: Round, action: RuleAction | undefined): void {
    if (round.delivered.length === 0 && round.dead.length === 0) return;
    const done = new Set(round.delivered);
    for (const letter of round.dead) done.add(letter.entry.id);
    this.buffer = this.buffer.filter((entry) => !done.has(entry.id));
    for (const id of done) this.attempts.delete(id);
    this.acks.push(...round.delivered);
    const channel = action?.channel;
    for (const letter of round.dead) this.dead.push(channel ? { letter, channel } : { letter });
    this.kickSettle();
  }

  private kickSettle(): void {
    if (this.settling || (this.acks.length === 0 && this.dead.length === 0)) return;
    const acks = this.acks;
    const dead = this.dead;
    this.acks = [];
    this.dead = [];
    this.settling = this.settle(acks, dead).finally(() => {
      this.settling = undefined;
      if (!this.ctx.signal.aborted) this.kickSettle();
    });
  }

  private async settle(acks: string[], dead: { letter: DeadLetter; channel?: Channel }[]): Promise<void> {
    const { ctx } = this;
    // Acks that come in while this one waits join it: fewer, larger settles under load.
    const wait = this.lastSettle + ctx.lingerMs - performance.now();
    if (wait > 0 && !ctx.signal.aborted) await sleep(wait, ctx.signal);
    this.lastSettle = performance.now();
    acks.push(...this.acks.splice(0));
    dead.push(...this.dead.splice(0));
    const letters = dead.map((d) => d.letter);
    let held: boolean;
    try {
      held = await ctx.log.settle(ctx.partition, ctx.holder, this.target, acks, letters);
    } catch (error) {
      // Kept for the next settle; if this replica dies first, the next holder pushes them again.
      this.acks.unshift(...acks);
      this.dead.unshift(...dead);
      this.report(error, 'settle');
      await sleep(ctx.errorDelayMs, ctx.signal);
      return;
    }
    if (!held) {
      ctx.leaseLost();
      return;
    }
    for (const channel of new Set(dead.map((d) => d.channel))) {
      const ofChannel = dead.filter((d) => d.channel === channel).map((d) => d.letter);
      ctx.observer.deadLettered?.({
        partition: ctx.partition,
        target: this.target,
        ...(channel ? { channel } : {}),
        letters: ofChannel,
      });
    }
  }

  private async flushSettles(): Promise<void> {
    for (let i = 0; i < FLUSH_TRIES && (this.settling || this.acks.length > 0 || this.dead.length > 0); i++) {
      this.kickSettle();
      await this.settling;
    }
  }

  private letter(entry: OutboxEntry, cause: DeadLetterCause, reason: string): DeadLetter {
    return { entry, cause, reason, attempts: this.attempts.get(entry.id) ?? 0 };
  }

  private report(error: unknown, stage: string): void {
    if (this.ctx.signal.aborted) return;
    this.ctx.observer.error?.(error, { partition: this.ctx.partition, target: this.target, stage });
  }
}

/** Entries grouped by device, each group in outbox order; groups in the order of their first entry. */
function byDevice(entries: readonly OutboxEntry[]): OutboxEntry[][] {
  const chains = new Map<string, OutboxEntry[]>();
  for (const entry of entries) {
    const chain = chains.get(entry.event.deviceId);
    if (chain) chain.push(entry);
    else chains.set(entry.event.deviceId, [entry]);
  }
  return [...chains.values()];
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
