import type { Channel, RuleAction } from '../rules/model.js';
import type { DeadLetter, OutboxEntry, OutboxRef } from './model.js';
import type { PushOutcome } from './pusher.js';

/** What became of a push attempt: delivered, to be retried, or given up (dead-lettered). */
export type PushVerdict = 'delivered' | 'retry' | 'dead';

export interface PushAttempt {
  partition: number;
  target: OutboxRef;
  action: RuleAction;
  entry: OutboxEntry;
  outcome: PushOutcome;
  verdict: PushVerdict;
  /** 1 for the first attempt of this entry. */
  attempt: number;
  durationMs: number;
}

export interface RetryScheduled {
  partition: number;
  target: OutboxRef;
  /** Consecutive failed rounds of this outbox. */
  failures: number;
  delayMs: number;
  reason: string;
  /** Entries of the outbox waiting for the retry, the oldest first. */
  waiting: readonly OutboxEntry[];
}

export interface DeadLettered {
  partition: number;
  target: OutboxRef;
  channel?: Channel;
  letters: readonly DeadLetter[];
}

/**
 * How the engine reports what it does, so the transport side can turn it into metrics and logs without the
 * engine knowing either. Every member is optional; none may throw.
 */
export interface ForwarderObserver {
  attempted?(attempt: PushAttempt): void;
  retryScheduled?(retry: RetryScheduled): void;
  deadLettered?(dead: DeadLettered): void;
  partitionAcquired?(partition: number): void;
  partitionReleased?(partition: number, why: 'rebalance' | 'lease lost' | 'stop'): void;
  error?(error: unknown, context: { partition?: number; target?: OutboxRef; stage: string }): void;
}
