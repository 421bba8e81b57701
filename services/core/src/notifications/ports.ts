import type { EventEntry } from '../store.js';
import type { DeadLetter, DeadLetterEntry, FanOutItem, OutboxEntry, OutboxRef } from './model.js';

/**
 * The forwarder's durable state, per partition: how far the event log has been fanned out, the outbox of
 * every action with events still to deliver, and the dead letters. Every change is atomic and fenced: it
 * applies only while `holder` holds the partition's lease, so a replica that lost its lease (a long pause,
 * a partition of the network) can no longer move the cursor or drop outbox entries behind the new holder.
 */
export interface ForwarderLog {
  readonly partitions: number;
  /** Id of the last event already fanned out; `'0'` when none has been. */
  cursor(partition: number): Promise<string>;
  /** Events after `afterId`, waiting up to `blockMs` for the first one when there is none yet. */
  nextEvents(partition: number, afterId: string, count: number, blockMs: number): Promise<EventEntry[]>;
  /**
   * Appends each item to its outbox, moves the cursor to `throughId` and drops the events up to it, in one
   * unit. Returns the outbox position given to each item (in item order), or undefined (and nothing written)
   * when `holder` does not hold the lease.
   */
  fanOut(
    partition: number,
    holder: string,
    throughId: string,
    items: readonly FanOutItem[],
  ): Promise<string[] | undefined>;
  /** Outboxes of the partition that may hold entries. */
  outboxes(partition: number): Promise<OutboxRef[]>;
  /** The oldest `count` entries of an outbox, in order. */
  readOutbox(partition: number, target: OutboxRef, count: number): Promise<OutboxEntry[]>;
  /**
   * Removes the delivered entries and moves the dead ones to the dead-letter stream, in one unit; an outbox
   * left empty is forgotten. False (and nothing changed) when `holder` does not hold the lease.
   */
  settle(
    partition: number,
    holder: string,
    target: OutboxRef,
    delivered: readonly string[],
    dead: readonly DeadLetter[],
  ): Promise<boolean>;
  /** The oldest dead letters of a partition (operators and tests read them). */
  deadLetters(partition: number, count: number): Promise<DeadLetterEntry[]>;
  /** Frees what waiting on the partition holds (a blocked read returns at once). */
  releasePartition(partition: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Partition leases of the forwarders: one holder per partition at a time keeps each device's events in
 * order. A lease lives `ttlMs` unless renewed, so a dead replica's partitions are taken over by the others.
 */
export interface PartitionLeases {
  tryAcquire(partition: number, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease only while `holder` still has it; false when it was lost. */
  renew(partition: number, holder: string, ttlMs: number): Promise<boolean>;
  release(partition: number, holder: string): Promise<void>;
  /** Marks `holder` alive for `ttlMs`; returns how many replicas are alive, itself included. */
  heartbeat(holder: string, ttlMs: number): Promise<number>;
  /** Forgets `holder` at once (a clean shutdown), so the others rebalance without waiting. */
  leave(holder: string): Promise<void>;
}
