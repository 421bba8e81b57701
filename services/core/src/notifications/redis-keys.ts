import type { RedisKeys } from '../redis/keys.js';
import { type OutboxRef, outboxMember } from './model.js';

/**
 * The forwarder's keys, beside the store's (`P{pN}:` = the partition's base, see redis/keys.ts):
 *
 * | key                        | type   | content                                                     |
 * | -------------------------- | ------ | ----------------------------------------------------------- |
 * | `P{pN}:lease:notify`       | string | forwarder lease holder (PX)                                 |
 * | `P{pN}:notify:cursor`      | string | id of the last event of `P{pN}:events` fanned out           |
 * | `P{pN}:notify:outboxes`    | set    | `<projectId>:<actionId>` of every non-empty outbox          |
 * | `P{pN}:out:<proj>:<act>`   | stream | events waiting for that action (fields `i` id, `e` event)   |
 * | `P{pN}:dlq`                | stream | dead letters: outbox, reason, attempts and the entry        |
 * | `P{notify}:replicas`       | zset   | live forwarder replicas, scored by heartbeat expiry (ms)    |
 *
 * Every per-partition key carries the partition's hash tag, so each fan-out or settle script touches one slot;
 * outbox keys are derived inside the scripts from the base and the member, like the store's per-command keys.
 */
export class NotifyKeys {
  constructor(readonly store: RedisKeys) {}

  get partitions(): number {
    return this.store.partitions;
  }

  events(partition: number): string {
    return this.store.events(partition);
  }

  lease(partition: number): string {
    return `${this.store.base(partition)}lease:notify`;
  }

  cursor(partition: number): string {
    return `${this.store.base(partition)}notify:cursor`;
  }

  outboxes(partition: number): string {
    return `${this.store.base(partition)}notify:outboxes`;
  }

  outboxPrefix(partition: number): string {
    return `${this.store.base(partition)}out:`;
  }

  outbox(partition: number, target: OutboxRef): string {
    return this.outboxPrefix(partition) + outboxMember(target);
  }

  deadLetters(partition: number): string {
    return `${this.store.base(partition)}dlq`;
  }

  replicas(): string {
    return `${this.store.prefix}{notify}:replicas`;
  }
}
