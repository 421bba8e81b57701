import { setMaxListeners } from 'node:events';
import type { EventEntry } from '../store.js';
import { eventIdOf } from './event-id.js';
import { type LaneContext, OutboxLane } from './lane.js';
import { type FanOutItem, type OutboxEntry, type OutboxRef, outboxMember } from './model.js';
import type { ForwarderLog } from './ports.js';
import { sleep } from './sleep.js';

export interface WorkerOptions extends Omit<LaneContext, 'partition' | 'signal' | 'leaseLost' | 'batch'> {
  log: ForwarderLog;
  eventBatch: number;
  cursorSaveMs: number;
  quietLingerMs: number;
  outboxBatch: number;
  blockMs: number;
  /** Called once when a fenced write finds the lease gone; the forwarder then drops this worker. */
  onLeaseLost(partition: number): void;
}

/**
 * Everything one replica does for one partition it holds: the fan-out loop reads the partition's event log
 * from its durable cursor and copies each event into the outbox of every active action of the event's
 * project (then moves the cursor and trims the log, in the same fenced unit); one lane per outbox delivers.
 * The fan-out never waits for a push, so no receiver, however slow, holds up another's notifications.
 */
export class PartitionWorker {
  private readonly abort = new AbortController();
  private readonly lanes = new Map<string, OutboxLane>();
  private readonly laneContext: LaneContext;
  private running: Promise<void> | undefined;
  private lost = false;

  constructor(
    readonly partition: number,
    private readonly options: WorkerOptions,
  ) {
    // Every push in flight listens for the abort: many listeners are expected here, not a leak.
    setMaxListeners(0, this.abort.signal);
    this.laneContext = {
      ...options,
      partition,
      batch: options.outboxBatch,
      signal: this.abort.signal,
      leaseLost: () => this.leaseLost(),
    };
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Cancels pushes in flight and waits until the fan-out loop and every lane have ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.options.log.releasePartition(this.partition).catch(() => {});
    await this.running;
    await Promise.all([...this.lanes.values()].map((lane) => lane.done));
  }

  private leaseLost(): void {
    if (this.lost) return;
    this.lost = true;
    this.abort.abort();
    this.options.onLeaseLost(this.partition);
  }

  private async run(): Promise<void> {
    const { log, observer } = this.options;
    const signal = this.abort.signal;
    /** Where the log is read from: the stored cursor, or past events that nothing was pushed for. */
    let cursor: string | undefined;
    /** When the cursor first moved past events without a write (undefined: the stored cursor is current). */
    let unsavedSince: number | undefined;
    while (!signal.aborted) {
      try {
        if (cursor === undefined) {
          // Outboxes left by the previous holder (or by this replica before a restart) resume first.
          for (const target of await log.outboxes(this.partition)) this.lane(target);
          cursor = await log.cursor(this.partition);
          unsavedSince = undefined;
        }
        const entries = await log.nextEvents(this.partition, cursor, this.options.eventBatch, this.options.blockMs);
        if (signal.aborted) continue;
        const items = entries.length > 0 ? await this.fanOutItems(entries) : [];
        const through = entries.at(-1)?.id ?? cursor;
        const now = performance.now();
        if (items.length === 0 && now - (unsavedSince ?? now) < this.options.cursorSaveMs) {
          // Nothing to push: no write, until skipped events have waited long enough for one.
          if (through !== cursor) unsavedSince ??= now;
          cursor = through;
          if (entries.length > 0 && entries.length < this.options.eventBatch) {
            await sleep(this.options.quietLingerMs, signal);
          }
          continue;
        }
        const ids = await log.fanOut(this.partition, this.options.holder, through, items);
        if (!ids) {
          this.leaseLost();
          return;
        }
        cursor = through;
        unsavedSince = undefined;
        this.handOver(items, ids);
        if (entries.length < this.options.eventBatch) await sleep(this.options.lingerMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        observer.error?.(error, { partition: this.partition, stage: 'fan-out' });
        await sleep(this.options.errorDelayMs, signal);
        // The failed fan-out may have been applied before its reply was lost: re-read the cursor, so its
        // events are not copied into the outboxes a second time.
        cursor = undefined;
      }
    }
  }

  private async fanOutItems(entries: readonly EventEntry[]): Promise<FanOutItem[]> {
    const projects = [...new Set(entries.map((entry) => entry.event.projectId))];
    const actions = new Map(
      await Promise.all(
        projects.map(async (projectId) => [projectId, await this.options.targets.forProject(projectId)] as const),
      ),
    );
    const items: FanOutItem[] = [];
    for (const { event } of entries) {
      const eventId = eventIdOf(event);
      for (const action of actions.get(event.projectId) ?? []) {
        items.push({ target: { projectId: event.projectId, actionId: action.actionId }, eventId, event });
      }
    }
    return items;
  }

  /** The fanned-out entries go straight to their lanes, which need not read them back from the log. */
  private handOver(items: readonly FanOutItem[], ids: readonly string[]): void {
    const byOutbox = new Map<string, { target: OutboxRef; entries: OutboxEntry[] }>();
    items.forEach((item, i) => {
      const member = outboxMember(item.target);
      let group = byOutbox.get(member);
      if (!group) {
        group = { target: item.target, entries: [] };
        byOutbox.set(member, group);
      }
      group.entries.push({ id: ids[i] ?? '', eventId: item.eventId, event: item.event });
    });
    for (const { target, entries } of byOutbox.values()) this.lane(target)?.offer(entries);
  }

  /** The lane of an outbox, started if it has none. */
  private lane(target: OutboxRef): OutboxLane | undefined {
    if (this.abort.signal.aborted) return undefined;
    const member = outboxMember(target);
    let lane = this.lanes.get(member);
    if (!lane) {
      lane = new OutboxLane(target, this.laneContext, (idle) => {
        if (this.lanes.get(member) === idle) this.lanes.delete(member);
      });
      this.lanes.set(member, lane);
    }
    return lane;
  }
}
