import type { ChainableCommander, Redis } from 'ioredis';
import { CORE_DEFAULTS } from '../defaults.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { type Command, type CommandRef, type Device, type DeviceRef, QUEUE_STATUSES } from '../model.js';
import type {
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
} from '../store.js';
import {
  assertDeadline,
  byIdDesc,
  isEmptyFilter,
  listedDevice,
  matchesCommand,
  matchesDevice,
  nextEventId,
  pageNewestFirst,
  placementOf,
  withMarker,
} from '../store-support.js';
import { createRedisClient } from './client.js';
import {
  CMD,
  commandFields,
  commandFromFields,
  DEV,
  deviceFields,
  deviceFromFields,
  eventFromFields,
  type Fields,
} from './codec.js';
import { takeNextArgs, takeNextFromReply, transitionArgs, transitionFromReply } from './delivery-calls.js';
import { RedisKeys } from './keys.js';
import { registerScripts, runScript } from './scripts.js';

export interface RedisStoreOptions {
  keyPrefix?: string;
  partitions?: number;
  sweepBatch?: number;
  inlineValueMax?: number;
  /** close() quits the client only when the store owns it. */
  ownsClient?: boolean;
}

/** Reads many records per round trip, but never unboundedly many. */
const SCAN_BATCH = 500;

/**
 * CommandStore on Redis (standalone or Cluster-ready layout, see keys.ts). Every change that touches
 * more than one key is one Lua script (scripts.ts); reads are plain commands, pipelined.
 */
export class RedisStore implements CommandStore {
  readonly keys: RedisKeys;
  readonly partitions: number;
  private readonly sweepBatch: number;
  /** Longer paras and results go to keys of their own (see CORE_DEFAULTS.inlineValueMax). */
  readonly inlineValueMax: number;
  private readonly ownsClient: boolean;

  constructor(
    private readonly redis: Redis,
    options: RedisStoreOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? CORE_DEFAULTS.keyPrefix, options.partitions);
    this.partitions = this.keys.partitions;
    this.sweepBatch = options.sweepBatch ?? CORE_DEFAULTS.sweepBatch;
    this.inlineValueMax = options.inlineValueMax ?? CORE_DEFAULTS.inlineValueMax;
    this.ownsClient = options.ownsClient ?? false;
    registerScripts(redis);
  }

  /** A store with its own client (closed by close()), for services that only have a URL. */
  static connect(url: string, options: RedisStoreOptions & { onError?: (error: Error) => void } = {}): RedisStore {
    const { onError, ...storeOptions } = options;
    const redis = createRedisClient(url, onError ? { onError } : {});
    return new RedisStore(redis, { ...storeOptions, ownsClient: true });
  }

  partitionOf(ref: DeviceRef): number {
    return this.keys.partitionOf(ref);
  }

  /**
   * The node_id index and the project index live in other slots than the device hash, so no single
   * script can cover them (cluster-safe). Order, chosen so that a failure at any point leaves no
   * duplicate node_id and no unlisted device:
   * 1. claim node_id with HSETNX (value `<projectId>/<deviceId>`): the claim is the uniqueness check;
   *    a claim already holding our own ref (a retried request) is taken over;
   * 2. add the project index entry (readers skip entries whose device hash is missing);
   * 3. create the device hash in the partition (script: DEVICE_EXISTS if present);
   * on DEVICE_EXISTS roll back 2, and 1 unless the existing device uses this very node_id.
   * A crash between 1 and 3 leaves the node_id claimed for this ref: retrying the same device heals it.
   */
  async addDevice(device: Device): Promise<void> {
    const owner = ownerOf(device);
    if (!(await this.claimNode(device.nodeId, owner))) throw new AppError('NODE_ID_EXISTS');
    const recordId = newId();
    const member = `${recordId}:${device.deviceId}`;
    let created: boolean;
    try {
      await this.redis.zadd(this.keys.projectDevices(device.projectId), 0, member);
      const reply = await runScript(
        this.redis,
        'snoozeAddDevice',
        [this.keys.device(device)],
        deviceFields(device, recordId),
      );
      created = Number(reply) === 1;
    } catch (error) {
      await this.undoAddDevice(device, member).catch(() => {});
      throw error;
    }
    if (!created) {
      await this.undoAddDevice(device, member);
      throw new AppError('DEVICE_EXISTS');
    }
  }

  async getDevice(ref: DeviceRef): Promise<Device | undefined> {
    const fields = await this.redis.hgetall(this.keys.device(ref));
    return deviceFromFields(ref.projectId, ref.deviceId, fields);
  }

  async findDeviceRefByNodeId(nodeId: string): Promise<DeviceRef | undefined> {
    const owner = await this.redis.hget(this.keys.nodes(), nodeId);
    return owner ? refOf(owner) : undefined;
  }

  async findDeviceByNodeId(nodeId: string): Promise<Device | undefined> {
    const ref = await this.findDeviceRefByNodeId(nodeId);
    const device = ref && (await this.getDevice(ref));
    // A claim whose device is gone or has another node_id is a leftover of an interrupted change.
    return device && device.nodeId === nodeId ? device : undefined;
  }

  /** The partition script deletes everything of the device; then the two global indexes are cleaned. */
  async deleteDevice(ref: DeviceRef): Promise<boolean> {
    const reply = (await runScript(
      this.redis,
      'snoozeDeleteDevice',
      [this.keys.device(ref)],
      [this.keys.baseOf(ref), ref.projectId, ref.deviceId],
    )) as [number, string?, string?];
    if (reply[0] !== 1) return false;
    const [, nodeId, recordId] = reply;
    const cleanup: Promise<unknown>[] = [];
    if (nodeId) cleanup.push(runScript(this.redis, 'snoozeHdelIf', [this.keys.nodes()], [nodeId, ownerOf(ref)]));
    if (recordId) cleanup.push(this.redis.zrem(this.keys.projectDevices(ref.projectId), `${recordId}:${ref.deviceId}`));
    await Promise.all(cleanup);
    return true;
  }

  async listDevices(projectId: string, filter: DeviceFilter, page: PageQuery): Promise<Page<Device>> {
    const project = this.keys.projectDevices(projectId);
    if (filter.nodeId !== undefined) {
      const device = await this.findDeviceByNodeId(filter.nodeId);
      const rows = [];
      if (device && device.projectId === projectId && matchesDevice(device, filter)) {
        const recordId = await this.redis.hget(this.keys.device(device), DEV.recordId);
        if (recordId) rows.push({ recordId, device });
      }
      return this.devicePage(rows, page);
    }
    if (isEmptyFilter(filter)) {
      const [count, members] = await this.indexPage(project, page);
      const rows = await this.loadDevices(projectId, members);
      const last = rows.at(-1);
      const items = rows.map((row) => listedDevice(row.device));
      return last ? { items, count, marker: last.recordId } : { items, count };
    }
    const members = await this.redis.zrange(project, '+', '-', 'BYLEX', 'REV');
    const rows = [];
    for (let i = 0; i < members.length; i += SCAN_BATCH) {
      for (const row of await this.loadDevices(projectId, members.slice(i, i + SCAN_BATCH))) {
        if (matchesDevice(row.device, filter)) rows.push(row);
      }
    }
    return this.devicePage(rows, page);
  }

  async createCommand(record: CommandRecord, maxPending: number): Promise<Command> {
    assertDeadline(record.status, record.deadline);
    const { deadline, ...fields } = record;
    const command: Command = structuredClone(fields);
    if (record.status === 'SENT') command.sentAt = record.createdAt;
    const placement = placementOf(record.status);
    const score = placement === 'pending' ? record.expiresAt : placement === 'active' ? deadline : record.createdAt;
    const reply = (await runScript(
      this.redis,
      'snoozeCreateCommand',
      [this.keys.device(record)],
      [
        this.keys.baseOf(record),
        record.commandId,
        record.projectId,
        record.deviceId,
        placement,
        score ?? record.createdAt,
        maxPending,
        this.inlineValueMax,
        JSON.stringify(record.paras),
        record.createdAt,
        ...commandFields(command),
      ],
    )) as [number, string?];
    if (reply[0] !== 1)
      throw new AppError(reply[1] === 'COMMAND_CACHE_FULL' ? 'COMMAND_CACHE_FULL' : 'DEVICE_NOT_FOUND');
    return command;
  }

  async getCommand(ref: CommandRef): Promise<Command | undefined> {
    const [command] = await this.loadCommands(this.partitionOf(ref), [ref.commandId]);
    return command && command.projectId === ref.projectId && command.deviceId === ref.deviceId ? command : undefined;
  }

  async listQueue(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>> {
    const [pending, active] = await Promise.all([
      this.redis.zrange(this.keys.pending(ref), 0, '-1'),
      this.redis.zrange(this.keys.active(ref), 0, '-1'),
    ]);
    const ids = [...pending, ...active].sort(byIdDesc);
    const commands = await this.loadCommands(this.partitionOf(ref), ids);
    // The status check drops a command that left the queue between the two reads.
    const matching = commands.filter(
      (command): command is Command =>
        command !== undefined && QUEUE_STATUSES.includes(command.status) && matchesCommand(command, filter),
    );
    return pageNewestFirst(matching, (command) => command.commandId, page);
  }

  /** One page of a lexicographic index, newest first below the marker, and the index size. */
  private indexPage(index: string, page: PageQuery): Promise<[number, string[]]> {
    return Promise.all([
      this.redis.zcard(index),
      this.redis.zrange(
        index,
        lexUpper(page.marker),
        '-',
        'BYLEX',
        'REV',
        'LIMIT',
        String(page.offset),
        String(page.limit),
      ),
    ]);
  }

  async listHistory(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>> {
    const partition = this.partitionOf(ref);
    const history = this.keys.history(ref);
    if (isEmptyFilter(filter)) {
      // Fast path: the count is the index size and only one page of records is read.
      const [count, ids] = await this.indexPage(history, page);
      const items = (await this.loadCommands(partition, ids)).filter((c): c is Command => c !== undefined);
      return withMarker(items, count, (command) => command.commandId);
    }
    const ids = await this.matchingHistoryIds(ref, filter);
    const pageIds = pageNewestFirst(ids, (id) => id, page);
    const items = (await this.loadCommands(partition, pageIds.items)).filter((c): c is Command => c !== undefined);
    return withMarker(items, ids.length, (command) => command.commandId);
  }

  async countHistory(ref: DeviceRef, filter: CommandFilter): Promise<number> {
    if (isEmptyFilter(filter)) return this.redis.zcard(this.keys.history(ref));
    return (await this.matchingHistoryIds(ref, filter)).length;
  }

  async transition(ref: CommandRef, change: TransitionRequest): Promise<TransitionOutcome> {
    assertDeadline(change.to, change.deadline);
    const reply = await runScript(
      this.redis,
      'snoozeTransition',
      [this.keys.command(this.partitionOf(ref), ref.commandId)],
      transitionArgs(this.keys, ref, change, this.inlineValueMax),
    );
    return transitionFromReply(ref, change, reply);
  }

  async takeNextForDelivery(ref: DeviceRef, now: number, deadline: number): Promise<TakeNextResult> {
    const reply = await runScript(
      this.redis,
      'snoozeTakeNext',
      [this.keys.pending(ref)],
      takeNextArgs(this.keys, ref, now, deadline, this.inlineValueMax),
    );
    return takeNextFromReply(reply);
  }

  async sweep(partition: number, now: number, retentionMs: number): Promise<SweepResult> {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions) {
      throw new RangeError(`no partition ${partition}`);
    }
    const k = this.keys;
    const reply = (await runScript(
      this.redis,
      'snoozeSweep',
      [k.expiry(partition), k.timeouts(partition), k.retention(partition), k.events(partition)],
      [k.base(partition), now, retentionMs, this.sweepBatch, this.inlineValueMax],
    )) as [number, number, number, number];
    return { expired: reply[0], timedOut: reply[1], purged: reply[2], more: reply[3] === 1 };
  }

  async readEvents(partition: number, afterId: string, count: number): Promise<EventEntry[]> {
    const start = !afterId || afterId === '0' ? '-' : `(${afterId}`;
    const entries = await this.redis.xrange(this.keys.events(partition), start, '+', 'COUNT', count);
    return entries.map(([id, fields]) => ({ id, event: eventFromFields(fields) }));
  }

  /** Exact trim: forwarders trim in their fan-out script; this is the port's plain form. */
  async trimEvents(partition: number, throughId: string): Promise<void> {
    await this.redis.xtrim(this.keys.events(partition), 'MINID', nextEventId(throughId));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit();
  }

  /** Rolls back steps 1-2 of addDevice; the claim stays when the existing device uses this node_id. */
  private async undoAddDevice(device: Device, member: string): Promise<void> {
    await this.redis.zrem(this.keys.projectDevices(device.projectId), member);
    const existing = await this.getDevice(device);
    if (existing?.nodeId !== device.nodeId) {
      await runScript(this.redis, 'snoozeHdelIf', [this.keys.nodes()], [device.nodeId, ownerOf(device)]);
    }
  }

  private async claimNode(nodeId: string, owner: string): Promise<boolean> {
    const nodes = this.keys.nodes();
    // Two attempts: a claim released between our HSETNX and HGET is free again.
    for (let attempt = 0; attempt < 2; attempt++) {
      if ((await this.redis.hsetnx(nodes, nodeId, owner)) === 1) return true;
      const current = await this.redis.hget(nodes, nodeId);
      if (current === owner) return true;
      if (current !== null) return false;
    }
    return false;
  }

  private devicePage(rows: { recordId: string; device: Device }[], page: PageQuery): Page<Device> {
    const result = pageNewestFirst(rows, (row) => row.recordId, page);
    return { ...result, items: result.items.map((row) => listedDevice(row.device)) };
  }

  /** Device hashes for project index members `<recordId>:<deviceId>`; missing ones are skipped. */
  private async loadDevices(projectId: string, members: string[]): Promise<{ recordId: string; device: Device }[]> {
    const refs = members.map((member) => {
      const cut = member.indexOf(':');
      return { recordId: member.slice(0, cut), ref: { projectId, deviceId: member.slice(cut + 1) } };
    });
    const pipeline = this.redis.pipeline();
    for (const { ref } of refs) pipeline.hgetall(this.keys.device(ref));
    const replies = await execPipeline<Fields>(pipeline);
    return refs.flatMap(({ recordId, ref }, i) => {
      const device = deviceFromFields(ref.projectId, ref.deviceId, replies[i] ?? {});
      return device ? [{ recordId, device }] : [];
    });
  }

  /** Commands by id in one round trip: hash plus the out-of-line paras and result of each. */
  private async loadCommands(partition: number, ids: readonly string[]): Promise<(Command | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      pipeline.hgetall(this.keys.command(partition, id));
      pipeline.get(this.keys.paras(partition, id));
      pipeline.get(this.keys.result(partition, id));
    }
    const replies = await execPipeline<unknown>(pipeline);
    return ids.map((id, i) =>
      commandFromFields(
        id,
        (replies[3 * i] ?? {}) as Fields,
        replies[3 * i + 1] as string | null,
        replies[3 * i + 2] as string | null,
      ),
    );
  }

  /** History ids matching a filter, newest first: reads only the three filterable fields of each. */
  private async matchingHistoryIds(ref: DeviceRef, filter: CommandFilter): Promise<string[]> {
    const partition = this.partitionOf(ref);
    const ids = await this.redis.zrange(this.keys.history(ref), '+', '-', 'BYLEX', 'REV');
    const matching: string[] = [];
    for (let i = 0; i < ids.length; i += SCAN_BATCH) {
      const batch = ids.slice(i, i + SCAN_BATCH);
      const pipeline = this.redis.pipeline();
      for (const id of batch)
        pipeline.hmget(this.keys.command(partition, id), CMD.status, CMD.commandName, CMD.createdAt);
      const replies = await execPipeline<(string | null)[]>(pipeline);
      batch.forEach((id, j) => {
        const [status, commandName, createdAt] = replies[j] ?? [];
        if (!status) return;
        const probe = { status, createdAt: Number(createdAt) } as Command;
        if (commandName) probe.commandName = commandName;
        if (matchesCommand(probe, filter)) matching.push(id);
      });
    }
    return matching;
  }
}

/** BYLEX upper bound: below the marker (exclusive) or from the top. */
function lexUpper(marker: string | undefined): string {
  return marker === undefined ? '+' : `(${marker}`;
}

function ownerOf(ref: DeviceRef): string {
  return `${ref.projectId}/${ref.deviceId}`;
}

function refOf(owner: string): DeviceRef | undefined {
  const cut = owner.indexOf('/');
  return cut < 0 ? undefined : { projectId: owner.slice(0, cut), deviceId: owner.slice(cut + 1) };
}

async function execPipeline<T>(pipeline: ChainableCommander): Promise<(T | undefined)[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value as T;
  });
}
