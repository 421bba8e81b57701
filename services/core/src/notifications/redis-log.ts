import type { Redis } from 'ioredis';
import { eventFromFields, fieldsFromFlat } from '../redis/codec.js';
import { registerScriptTable, runTableScript } from '../redis/scripts.js';
import type { CommandEvent, EventEntry } from '../store.js';
import { FORWARDER_DEFAULTS } from './defaults.js';
import {
  type DeadLetter,
  type DeadLetterCause,
  type DeadLetterEntry,
  type FanOutItem,
  type OutboxEntry,
  type OutboxRef,
  outboxFromMember,
  outboxMember,
} from './model.js';
import type { ForwarderLog } from './ports.js';
import type { NotifyKeys } from './redis-keys.js';
import { NOTIFY_SCRIPTS } from './redis-scripts.js';

type StreamEntry = [id: string, fields: string[]];

export interface RedisForwarderLogOptions {
  deadLetterMaxLen?: number;
  onError?: (error: unknown) => void;
}

/**
 * ForwarderLog on Redis (layout in redis-keys.ts). Waiting for events is `XREAD BLOCK` on a connection of
 * its own per partition, since a blocked connection serves nothing else; releasing the partition closes it.
 */
export class RedisForwarderLog implements ForwarderLog {
  readonly partitions: number;
  private readonly blocking = new Map<number, Redis>();
  private readonly deadLetterMaxLen: number;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly redis: Redis,
    private readonly keys: NotifyKeys,
    options: RedisForwarderLogOptions = {},
  ) {
    this.partitions = keys.partitions;
    this.deadLetterMaxLen = options.deadLetterMaxLen ?? FORWARDER_DEFAULTS.deadLetterMaxLen;
    this.onError = options.onError ?? (() => {});
    registerScriptTable(redis, NOTIFY_SCRIPTS);
  }

  async cursor(partition: number): Promise<string> {
    return (await this.redis.get(this.keys.cursor(partition))) ?? '0';
  }

  async nextEvents(partition: number, afterId: string, count: number, blockMs: number): Promise<EventEntry[]> {
    const key = this.keys.events(partition);
    const after = afterId || '0';
    // BLOCK 0 would wait forever: a plain read instead.
    if (blockMs <= 0) return toEvents(await this.redis.xrange(key, `(${after}`, '+', 'COUNT', count));
    const reply = await this.blockingClient(partition).xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, after);
    return toEvents((reply?.[0]?.[1] ?? []) as StreamEntry[]);
  }

  async fanOut(
    partition: number,
    holder: string,
    throughId: string,
    items: readonly FanOutItem[],
  ): Promise<string[] | undefined> {
    const k = this.keys;
    const args: (string | number)[] = [holder, k.outboxPrefix(partition), throughId, items.length];
    for (const item of items) args.push(outboxMember(item.target), item.eventId, JSON.stringify(item.event));
    const reply = (await runTableScript(
      this.redis,
      NOTIFY_SCRIPTS,
      'snoozeNotifyFanOut',
      [k.lease(partition), k.cursor(partition), k.events(partition), k.outboxes(partition)],
      args,
    )) as [number, string[]?];
    return reply[0] === 1 ? (reply[1] ?? []) : undefined;
  }

  async outboxes(partition: number): Promise<OutboxRef[]> {
    return (await this.redis.smembers(this.keys.outboxes(partition))).map(outboxFromMember);
  }

  async readOutbox(partition: number, target: OutboxRef, count: number): Promise<OutboxEntry[]> {
    const entries = await this.redis.xrange(this.keys.outbox(partition, target), '-', '+', 'COUNT', count);
    return entries.map(([id, flat]) => {
      const fields = fieldsFromFlat(flat);
      return { id, eventId: fields.i ?? '', event: JSON.parse(fields.e ?? '{}') as CommandEvent };
    });
  }

  async settle(
    partition: number,
    holder: string,
    target: OutboxRef,
    delivered: readonly string[],
    dead: readonly DeadLetter[],
  ): Promise<boolean> {
    const k = this.keys;
    const args: (string | number)[] = [holder, outboxMember(target), this.deadLetterMaxLen, delivered.length];
    args.push(...delivered, dead.length);
    for (const letter of dead) args.push(letter.entry.id, letter.cause, letter.reason, letter.attempts);
    const reply = await runTableScript(
      this.redis,
      NOTIFY_SCRIPTS,
      'snoozeNotifySettle',
      [k.lease(partition), k.outbox(partition, target), k.deadLetters(partition), k.outboxes(partition)],
      args,
    );
    return reply === 1;
  }

  async deadLetters(partition: number, count: number): Promise<DeadLetterEntry[]> {
    const entries = await this.redis.xrange(this.keys.deadLetters(partition), '-', '+', 'COUNT', count);
    return entries.map(([id, flat]) => {
      const fields = fieldsFromFlat(flat);
      return {
        id,
        target: outboxFromMember(fields.o ?? ':'),
        cause: (fields.cause ?? 'rejected') as DeadLetterCause,
        reason: fields.reason ?? '',
        attempts: Number(fields.attempts ?? 0),
        entry: { id: fields.q ?? '', eventId: fields.i ?? '', event: JSON.parse(fields.e ?? '{}') as CommandEvent },
      };
    });
  }

  async releasePartition(partition: number): Promise<void> {
    const client = this.blocking.get(partition);
    this.blocking.delete(partition);
    // disconnect(), not quit(): a blocked XREAD must fail now, not after its timeout.
    client?.disconnect();
  }

  async close(): Promise<void> {
    await Promise.all([...this.blocking.keys()].map((partition) => this.releasePartition(partition)));
  }

  private blockingClient(partition: number): Redis {
    let client = this.blocking.get(partition);
    if (!client) {
      client = this.redis.duplicate();
      client.on('error', this.onError);
      this.blocking.set(partition, client);
    }
    return client;
  }
}

function toEvents(entries: readonly StreamEntry[]): EventEntry[] {
  return entries.map(([id, fields]) => ({ id, event: eventFromFields(fields) }));
}
