import type { CommandStore, EventEntry } from '../store.js';
import { StreamIds } from '../store-support.js';
import { FORWARDER_DEFAULTS } from './defaults.js';
import type { MemoryPartitionLeases } from './memory-leases.js';
import {
  type DeadLetter,
  type DeadLetterEntry,
  type FanOutItem,
  type OutboxEntry,
  type OutboxRef,
  outboxFromMember,
  outboxMember,
} from './model.js';
import type { ForwarderLog } from './ports.js';

/** A store that can tell when it logs an event (MemoryStore); others are polled. */
type WatchableStore = CommandStore & { watchEvents?(listener: (partition: number) => void): () => void };

interface PartitionLog {
  cursor: string;
  outboxes: Map<string, OutboxEntry[]>;
  deadLetters: DeadLetterEntry[];
  waiters: Set<() => void>;
}

/** Without a watchable store, how often a waiting read looks again. */
const POLL_MS = 10;

/**
 * The forwarder state of the embedded mode, beside a MemoryStore, with the semantics of RedisForwarderLog
 * (the same conformance suite runs on both). Each method is synchronous between its awaits, hence atomic.
 */
export class MemoryForwarderLog implements ForwarderLog {
  readonly partitions: number;
  private readonly parts: PartitionLog[];
  private unwatch: (() => void) | undefined;
  private readonly deadLetterMaxLen: number;
  private readonly ids = new StreamIds();

  constructor(
    private readonly store: WatchableStore,
    private readonly leases: MemoryPartitionLeases,
    options: { deadLetterMaxLen?: number } = {},
  ) {
    this.partitions = store.partitions;
    this.deadLetterMaxLen = options.deadLetterMaxLen ?? FORWARDER_DEFAULTS.deadLetterMaxLen;
    this.parts = Array.from({ length: this.partitions }, () => ({
      cursor: '0',
      outboxes: new Map(),
      deadLetters: [],
      waiters: new Set(),
    }));
  }

  async cursor(partition: number): Promise<string> {
    return this.part(partition).cursor;
  }

  async nextEvents(partition: number, afterId: string, count: number, blockMs: number): Promise<EventEntry[]> {
    const entries = await this.store.readEvents(partition, afterId, count);
    if (entries.length > 0 || blockMs <= 0) return entries;
    // Watching starts with the first wait (and again after close(): the ports outlive a stopped forwarder).
    this.unwatch ??= this.store.watchEvents?.((p) => this.wakeReaders(p));
    const watched = this.unwatch !== undefined;
    await new Promise<void>((resolve) => {
      const waiters = this.part(partition).waiters;
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, watched ? blockMs : Math.min(blockMs, POLL_MS));
      waiters.add(done);
    });
    return this.store.readEvents(partition, afterId, count);
  }

  async fanOut(
    partition: number,
    holder: string,
    throughId: string,
    items: readonly FanOutItem[],
  ): Promise<string[] | undefined> {
    const part = this.part(partition);
    if (!this.leases.holds(partition, holder)) return undefined;
    const ids = items.map((item) => {
      const member = outboxMember(item.target);
      const entry = { id: this.ids.next(), eventId: item.eventId, event: structuredClone(item.event) };
      const outbox = part.outboxes.get(member);
      if (outbox) outbox.push(entry);
      else part.outboxes.set(member, [entry]);
      return entry.id;
    });
    part.cursor = throughId;
    await this.store.trimEvents(partition, throughId);
    return ids;
  }

  async outboxes(partition: number): Promise<OutboxRef[]> {
    return [...this.part(partition).outboxes.keys()].map(outboxFromMember);
  }

  async readOutbox(partition: number, target: OutboxRef, count: number): Promise<OutboxEntry[]> {
    return structuredClone((this.part(partition).outboxes.get(outboxMember(target)) ?? []).slice(0, count));
  }

  async settle(
    partition: number,
    holder: string,
    target: OutboxRef,
    delivered: readonly string[],
    dead: readonly DeadLetter[],
  ): Promise<boolean> {
    const part = this.part(partition);
    if (!this.leases.holds(partition, holder)) return false;
    const member = outboxMember(target);
    const outbox = part.outboxes.get(member) ?? [];
    const present = new Set(outbox.map((entry) => entry.id));
    const gone = new Set(delivered);
    for (const letter of dead) {
      if (!present.has(letter.entry.id)) continue;
      gone.add(letter.entry.id);
      part.deadLetters.push({ ...structuredClone(letter), id: this.ids.next(), target: { ...target } });
    }
    if (part.deadLetters.length > this.deadLetterMaxLen) {
      part.deadLetters.splice(0, part.deadLetters.length - this.deadLetterMaxLen);
    }
    const left = outbox.filter((entry) => !gone.has(entry.id));
    if (left.length > 0) part.outboxes.set(member, left);
    else part.outboxes.delete(member);
    return true;
  }

  async deadLetters(partition: number, count: number): Promise<DeadLetterEntry[]> {
    return structuredClone(this.part(partition).deadLetters.slice(0, count));
  }

  async releasePartition(partition: number): Promise<void> {
    this.wakeReaders(partition);
  }

  async close(): Promise<void> {
    this.unwatch?.();
    this.unwatch = undefined;
    for (let partition = 0; partition < this.partitions; partition++) this.wakeReaders(partition);
  }

  private wakeReaders(partition: number): void {
    for (const wake of this.parts[partition]?.waiters ?? []) wake();
  }

  private part(partition: number): PartitionLog {
    const part = this.parts[partition];
    if (!part) throw new RangeError(`no partition ${partition}`);
    return part;
  }
}
