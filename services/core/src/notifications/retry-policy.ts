import { enqueuedAt, type OutboxEntry } from './model.js';

export interface RetryPolicy {
  /** Delay before the first retry; it doubles with each further failure. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** An entry that still fails this long after it was fanned out goes to the dead letters. */
  retryHorizonMs: number;
  /** [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random. Replicas retrying the same
 * receiver after an outage spread out, and a delay never collapses to zero the way full jitter allows.
 */
export function backoffDelay(policy: RetryPolicy, failures: number): number {
  const exp = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, failures - 1));
  const random = policy.random ?? Math.random;
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function pastHorizon(policy: RetryPolicy, entry: Pick<OutboxEntry, 'id'>, now: number): boolean {
  return now - enqueuedAt(entry) > policy.retryHorizonMs;
}
