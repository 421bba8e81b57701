import { CORE_DEFAULTS } from './defaults.js';
import { AppError } from './errors.js';
import { newId } from './ids.js';
import { LEGAL_FROM } from './lifecycle.js';
import type { Command, CommandRef, CommandStatus, Device, DeviceRef } from './model.js';
import { assertPartitions, partitionOf } from './partition.js';
import type {
  CommandEvent,
  CommandFilter,
  CommandRecord,
  CommandStore,
  DeviceFilter,
  EventEntry,
  Page,
  PageQuery,
  SweepResult,
  TakeNextResult,
  TransitionOutcome,
  TransitionRequest,
} from './store.js';
import {
  assertDeadline,
  byIdDesc,
  compareEventIds,
  deviceKey,
  listedDevice,
  matchesCommand,
  matchesDevice,
  pageNewestFirst,
  placementOf,
  StreamIds,
  stampOf,
} from './store-support.js';

export interface MemoryStoreOptions {
  partitions?: number;
  /**
   * Safety cap of each partition's event log. The embedded mode has no durability anyway, and a process
   * that runs the store without a forwarder (an ingress test, a benchmark) would otherwise grow forever;
   * with a forwarder the log is trimmed as events are fanned out and never comes near the cap.
   */
  eventsMaxLen?: number;
  sweepBatch?: number;
}

interface DeviceEntry {
  device: Device;
  recordId: string;
  pending: Set<string>;
  active: Set<string>;
  history: Set<string>;
}

/** Per-partition indexes, mirroring the Redis layout: expiry and timeout by time, retention by end. */
interface PartitionState {
  expiry: Map<string, number>;
  timeouts: Map<string, number>;
  retention: Map<string, number>;
  events: EventEntry[];
  ids: StreamIds;
}

/**
 * The embedded store of single-process mode, with the semantics of RedisStore (the conformance suite
 * runs against both). Every method runs synchronously between two awaits, which makes each one atomic
 * in a single Node process, as a Lua script is in Redis. Records are copied in and out, so callers
 * can never mutate stored state.
 */
export class MemoryStore implements CommandStore {
  readonly partitions: number;
  private readonly eventsMaxLen: number;
  private readonly sweepBatch: number;
  private readonly devices = new Map<string, DeviceEntry>();
  private readonly nodes = new Map<string, string>();
  /** projectId → recordId → device key: the per-project device index of ListDevices. */
  private readonly projects = new Map<string, Map<string, string>>();
  private readonly commands = new Map<string, Command>();
  private readonly parts: PartitionState[];
  private readonly eventListeners = new Set<(partition: number) => void>();

  constructor(options: MemoryStoreOptions = {}) {
    this.partitions = options.partitions ?? CORE_DEFAULTS.partitions;
    assertPartitions(this.partitions);
    this.eventsMaxLen = options.eventsMaxLen ?? CORE_DEFAULTS.eventsMaxLen;
    this.sweepBatch = options.sweepBatch ?? CORE_DEFAULTS.sweepBatch;
    this.parts = Array.from({ length: this.partitions }, () => ({
      expiry: new Map(),
      timeouts: new Map(),
      retention: new Map(),
      events: [],
      ids: new StreamIds(),
    }));
  }

  partitionOf(ref: DeviceRef): number {
    return partitionOf(ref, this.partitions);
  }

  async addDevice(device: Device): Promise<void> {
    const key = deviceKey(device.projectId, device.deviceId);
    // Same precedence as RedisStore, which claims the node_id before it creates the device.
    const owner = this.nodes.get(device.nodeId);
    if (owner !== undefined && owner !== key) throw new AppError('NODE_ID_EXISTS');
    if (this.devices.has(key)) throw new AppError('DEVICE_EXISTS');
    const recordId = newId();
    this.devices.set(key, {
      device: structuredClone(device),
      recordId,
      pending: new Set(),
      active: new Set(),
      history: new Set(),
    });
    this.nodes.set(device.nodeId, key);
    let project = this.projects.get(device.projectId);
    if (!project) {
      project = new Map();
      this.projects.set(device.projectId, project);
    }
    project.set(recordId, key);
  }

  async getDevice(ref: DeviceRef): Promise<Device | undefined> {
    const entry = this.devices.get(deviceKey(ref.projectId, ref.deviceId));
    return entry ? structuredClone(entry.device) : undefined;
  }

  async findDeviceRefByNodeId(nodeId: string): Promise<DeviceRef | undefined> {
    const entry = this.devices.get(this.nodes.get(nodeId) ?? '');
    return entry ? { projectId: entry.device.projectId, deviceId: entry.device.deviceId } : undefined;
  }

  async findDeviceByNodeId(nodeId: string): Promise<Device | undefined> {
    const key = this.nodes.get(nodeId);
    const entry = key === undefined ? undefined : this.devices.get(key);
    return entry ? structuredClone(entry.device) : undefined;
  }

  async deleteDevice(ref: DeviceRef): Promise<boolean> {
    const key = deviceKey(ref.projectId, ref.deviceId);
    const entry = this.devices.get(key);
    if (!entry) return false;
    const part = this.part(ref);
    for (const id of [...entry.pending, ...entry.active, ...entry.history]) {
      this.commands.delete(id);
      part.expiry.delete(id);
      part.timeouts.delete(id);
      part.retention.delete(id);
    }
    this.devices.delete(key);
    if (this.nodes.get(entry.device.nodeId) === key) this.nodes.delete(entry.device.nodeId);
    this.projects.get(ref.projectId)?.delete(entry.recordId);
    return true;
  }

  async listDevices(projectId: string, filter: DeviceFilter, page: PageQuery): Promise<Page<Device>> {
    const project = this.projects.get(projectId) ?? new Map<string, string>();
    const rows: { recordId: string; device: Device }[] = [];
    for (const recordId of [...project.keys()].sort(byIdDesc)) {
      const entry = this.devices.get(project.get(recordId) ?? '');
      if (entry && matchesDevice(entry.device, filter)) rows.push({ recordId, device: entry.device });
    }
    const result = pageNewestFirst(rows, (row) => row.recordId, page);
    return { ...result, items: result.items.map((row) => listedDevice(row.device)) };
  }

  async createCommand(record: CommandRecord, maxPending: number): Promise<Command> {
    assertDeadline(record.status, record.deadline);
    const entry = this.devices.get(deviceKey(record.projectId, record.deviceId));
    if (!entry) throw new AppError('DEVICE_NOT_FOUND');
    if (record.status === 'PENDING' && entry.pending.size >= maxPending) throw new AppError('COMMAND_CACHE_FULL');
    const { deadline, ...fields } = structuredClone(record);
    const command: Command = { ...fields };
    if (record.status === 'SENT') command.sentAt = record.createdAt;
    this.commands.set(record.commandId, command);
    this.place(entry, command, placementScore(command, record.createdAt, deadline));
    this.emit(command, record.createdAt);
    return structuredClone(command);
  }

  async getCommand(ref: CommandRef): Promise<Command | undefined> {
    const command = this.ownCommand(ref);
    return command ? structuredClone(command) : undefined;
  }

  async listQueue(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>> {
    const entry = this.devices.get(deviceKey(ref.projectId, ref.deviceId));
    return this.listIds(entry ? [...entry.pending, ...entry.active] : [], filter, page);
  }

  async listHistory(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>> {
    const entry = this.devices.get(deviceKey(ref.projectId, ref.deviceId));
    return this.listIds(entry ? [...entry.history] : [], filter, page);
  }

  async countHistory(ref: DeviceRef, filter: CommandFilter): Promise<number> {
    return (await this.listHistory(ref, filter, { limit: 0, offset: 0 })).count;
  }

  async transition(ref: CommandRef, change: TransitionRequest): Promise<TransitionOutcome> {
    assertDeadline(change.to, change.deadline);
    const outcome = this.applyTransition(ref, change);
    if (change.takeNext) outcome.next = this.take(ref, change.at, change.takeNext.deadline);
    return outcome;
  }

  async takeNextForDelivery(ref: DeviceRef, now: number, deadline: number): Promise<TakeNextResult> {
    return this.take(ref, now, deadline);
  }

  async sweep(partition: number, now: number, retentionMs: number): Promise<SweepResult> {
    const part = this.parts[partition];
    if (!part) throw new RangeError(`no partition ${partition}`);
    const overdue = (index: Map<string, number>, bound: number) =>
      [...index]
        .filter(([, score]) => score <= bound)
        .sort(([, a], [, b]) => a - b)
        .slice(0, this.sweepBatch)
        .map(([id]) => id);

    const ends = (ids: string[], index: Map<string, number>, to: CommandStatus): number => {
      let ended = 0;
      for (const id of ids) {
        const command = this.commands.get(id);
        const entry = command && this.devices.get(deviceKey(command.projectId, command.deviceId));
        if (command && entry && LEGAL_FROM[to].includes(command.status)) {
          this.change(entry, command, to, now);
          ended++;
        } else {
          index.delete(id);
        }
      }
      return ended;
    };

    const toExpire = overdue(part.expiry, now);
    const expired = ends(toExpire, part.expiry, 'EXPIRED');
    const toTimeOut = overdue(part.timeouts, now);
    const timedOut = ends(toTimeOut, part.timeouts, 'TIMEOUT');
    const toPurge = overdue(part.retention, now - retentionMs);
    for (const id of toPurge) {
      const command = this.commands.get(id);
      if (command) this.devices.get(deviceKey(command.projectId, command.deviceId))?.history.delete(id);
      this.commands.delete(id);
      part.retention.delete(id);
    }
    const more = [toExpire, toTimeOut, toPurge].some((ids) => ids.length >= this.sweepBatch);
    return { expired, timedOut, purged: toPurge.length, more };
  }

  async readEvents(partition: number, afterId: string, count: number): Promise<EventEntry[]> {
    const events = this.parts[partition]?.events;
    if (!events) throw new RangeError(`no partition ${partition}`);
    // The log is in id order: binary search for the first entry after `afterId`.
    let low = 0;
    let high = events.length;
    if (afterId && afterId !== '0') {
      while (low < high) {
        const mid = (low + high) >>> 1;
        const entry = events[mid];
        if (entry && compareEventIds(entry.id, afterId) <= 0) low = mid + 1;
        else high = mid;
      }
    }
    return structuredClone(events.slice(low, low + count));
  }

  async trimEvents(partition: number, throughId: string): Promise<void> {
    const part = this.parts[partition];
    if (!part) throw new RangeError(`no partition ${partition}`);
    const keep = part.events.findIndex((entry) => compareEventIds(entry.id, throughId) > 0);
    part.events.splice(0, keep < 0 ? part.events.length : keep);
  }

  /**
   * Calls `listener` with the partition of every new event: the in-process forwarder waits on this
   * instead of polling. Returns the unsubscribe function.
   */
  watchEvents(listener: (partition: number) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private part(ref: DeviceRef): PartitionState {
    const part = this.parts[this.partitionOf(ref)];
    if (!part) throw new RangeError('partition out of range');
    return part;
  }

  private applyTransition(ref: CommandRef, change: TransitionRequest): TransitionOutcome {
    const command = this.ownCommand(ref);
    const entry = this.devices.get(deviceKey(ref.projectId, ref.deviceId));
    if (!command || !entry) return { applied: false, reason: 'not_found' };
    if (!change.from.includes(command.status)) return { applied: false, reason: 'illegal', current: command.status };
    if (change.deliveredAt !== undefined && LEGAL_FROM.DELIVERED.includes(command.status)) {
      // Passing through: announced, stamped; the change that follows places the command.
      command.status = 'DELIVERED';
      command.deliveredAt = change.deliveredAt;
      this.emit(command, change.deliveredAt);
    }
    this.change(entry, command, change.to, change.at, change.deadline, change.result);
    return change.brief ? { applied: true } : { applied: true, command: structuredClone(command) };
  }

  /** Serial delivery (takeNextForDelivery), synchronous so that a transition can end with it atomically. */
  private take(ref: DeviceRef, now: number, deadline: number): TakeNextResult {
    const entry = this.devices.get(deviceKey(ref.projectId, ref.deviceId));
    if (!entry) return { expired: 0, busy: false };
    if (entry.active.size > 0) return { expired: 0, busy: true };
    let expired = 0;
    for (const id of [...entry.pending].sort()) {
      const command = this.commands.get(id);
      if (!command || !LEGAL_FROM.SENT.includes(command.status)) {
        entry.pending.delete(id);
        continue;
      }
      if (command.expiresAt <= now && LEGAL_FROM.EXPIRED.includes(command.status)) {
        this.change(entry, command, 'EXPIRED', now);
        expired++;
        continue;
      }
      this.change(entry, command, 'SENT', now, deadline);
      return { command: structuredClone(command), expired, busy: false };
    }
    return { expired, busy: false };
  }

  private ownCommand(ref: CommandRef): Command | undefined {
    const command = this.commands.get(ref.commandId);
    return command && command.projectId === ref.projectId && command.deviceId === ref.deviceId ? command : undefined;
  }

  private listIds(ids: string[], filter: CommandFilter, page: PageQuery): Page<Command> {
    const matching = ids
      .sort(byIdDesc)
      .map((id) => this.commands.get(id))
      .filter((command): command is Command => command !== undefined && matchesCommand(command, filter));
    const result = pageNewestFirst(matching, (command) => command.commandId, page);
    return { ...result, items: structuredClone(result.items) };
  }

  /** Applies a checked status change: stamp, result, index moves and the event, as the Lua scripts do. */
  private change(
    entry: DeviceEntry,
    command: Command,
    to: CommandStatus,
    at: number,
    deadline?: number,
    result?: Record<string, unknown>,
  ): void {
    command.status = to;
    const stamp = stampOf(to);
    if (stamp) command[stamp] = at;
    if (result !== undefined) command.result = structuredClone(result);
    this.place(entry, command, placementScore(command, at, deadline));
    this.emit(command, at);
  }

  private place(entry: DeviceEntry, command: Command, score: number): void {
    const id = command.commandId;
    const part = this.part(command);
    entry.pending.delete(id);
    entry.active.delete(id);
    part.expiry.delete(id);
    part.timeouts.delete(id);
    switch (placementOf(command.status)) {
      case 'pending':
        entry.pending.add(id);
        part.expiry.set(id, score);
        break;
      case 'active':
        entry.active.add(id);
        part.timeouts.set(id, score);
        break;
      case 'history':
        entry.history.add(id);
        part.retention.set(id, score);
        break;
    }
  }

  private emit(command: Command, at: number): void {
    const part = this.part(command);
    const device = this.devices.get(deviceKey(command.projectId, command.deviceId))?.device;
    const event: CommandEvent = {
      projectId: command.projectId,
      deviceId: command.deviceId,
      commandId: command.commandId,
      status: command.status,
      at,
      createdAt: command.createdAt,
    };
    if (command.sentAt !== undefined) event.sentAt = command.sentAt;
    if (command.deliveredAt !== undefined) event.deliveredAt = command.deliveredAt;
    if (command.respondedAt !== undefined) event.respondedAt = command.respondedAt;
    if (command.result !== undefined) event.result = structuredClone(command.result);
    if (device) {
      event.nodeId = device.nodeId;
      event.productId = device.productId;
      event.gatewayId = device.gatewayId;
      if (device.appId !== undefined) event.appId = device.appId;
    }
    part.events.push({ id: part.ids.next(), event });
    // Trim in chunks (like MAXLEN ~) so a long log is not shifted on every append.
    if (part.events.length > this.eventsMaxLen + Math.floor(this.eventsMaxLen / 10)) {
      part.events.splice(0, part.events.length - this.eventsMaxLen);
    }
    const partition = this.partitionOf(command);
    for (const listener of this.eventListeners) listener(partition);
  }
}

/** The score of a command in its partition index: expiry for PENDING, deadline in flight, end time after. */
function placementScore(command: Command, at: number, deadline: number | undefined): number {
  switch (placementOf(command.status)) {
    case 'pending':
      return command.expiresAt;
    case 'active':
      return deadline ?? at;
    case 'history':
      return at;
  }
}
