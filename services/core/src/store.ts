import type { Command, CommandRef, CommandStatus, Device, DeviceRef, NewCommand } from './model.js';

/** Newest first; `marker` is the id of the last record of the previous page (only ids below it). */
export interface PageQuery {
  limit: number;
  offset: number;
  marker?: string;
}

export interface CommandFilter {
  status?: CommandStatus;
  commandName?: string;
  /** Inclusive bounds on `createdAt`, epoch ms. */
  startTime?: number;
  endTime?: number;
}

export interface Page<T> {
  items: T[];
  /** Records matching the filter, ignoring paging. */
  count: number;
  /** Id of the last record of this page; absent on an empty page. */
  marker?: string;
}

export interface DeviceFilter {
  productId?: string;
  nodeId?: string;
  gatewayId?: string;
  deviceName?: string;
  appId?: string;
  startTime?: number;
  endTime?: number;
}

/** A command as the store creates it: the service has already chosen id, status and deadlines. */
export interface CommandRecord extends NewCommand {
  commandId: string;
  status: 'PENDING' | 'SENT' | 'FAILED';
  expireTime: number;
  createdAt: number;
  expiresAt: number;
  /** For SENT: when the device must have acknowledged it. */
  deadline?: number;
}

export interface TransitionRequest {
  to: CommandStatus;
  at: number;
  /** Statuses the command may be in for the change to apply (the lifecycle's legal predecessors). */
  from: readonly CommandStatus[];
  /** When a non-final status must be left, or the sweeper ends it in TIMEOUT. */
  deadline?: number;
  result?: Record<string, unknown>;
  /**
   * Serial delivery without a second round trip: in the same atomic unit, once the change is made (or
   * refused: a late or repeated result still means the device is free of that command), take the
   * device's next command exactly as `takeNextForDelivery(ref, at, takeNext.deadline)` would. Meant for
   * the changes that end the command in flight (a result, a timeout); the outcome's `next` is the take.
   */
  takeNext?: { deadline: number };
  /**
   * A result whose acknowledgement (DELIVERED) was not recorded yet: a command still in DELIVERED's
   * predecessors passes through DELIVERED first, stamped `deliveredAt` and announced with its own event,
   * in the same atomic unit. One store round trip for a device that acknowledges and answers at once.
   */
  deliveredAt?: number;
  /**
   * The caller only needs to know whether the change applied (and what the take found): an applied
   * outcome then carries no `command`, which spares reading, sending and decoding the record.
   */
  brief?: boolean;
}

export type TransitionOutcome = (
  | {
      applied: true;
      /** The command after the change; absent only when the request was `brief`. */
      command?: Command;
    }
  | { applied: false; reason: 'not_found' }
  | { applied: false; reason: 'illegal'; current: CommandStatus }
) & {
  /** What the take asked for with `TransitionRequest.takeNext` found (absent when none was asked for). */
  next?: TakeNextResult;
};

export interface TakeNextResult {
  /** The command now SENT, if the device had one waiting and nothing in flight. */
  command?: Command;
  /** Commands found overdue on the way and turned EXPIRED instead of being sent. */
  expired: number;
  /** True when a SENT or DELIVERED command is still in flight: serial delivery waits for it. */
  busy: boolean;
  /**
   * The command's message id on the device, when the take also assigned one (the registration store's
   * takes with mids; see RegistrationStore.takeNextWithMid). Plain command-store takes never set it.
   */
  mid?: number;
}

export interface SweepResult {
  expired: number;
  timedOut: number;
  purged: number;
  /** True when a batch limit was hit: more overdue work is waiting, the caller may sweep again at once. */
  more?: boolean;
}

/**
 * One status change, as appended to the partition's event log in the same atomic unit as the change.
 * It carries everything a `device.command.status` notification needs (times, result, the device's
 * node/product/gateway ids), so a forwarder never has to read the command or the device again.
 */
export interface CommandEvent extends CommandRef {
  status: CommandStatus;
  /** When the change happened (epoch ms). */
  at: number;
  createdAt: number;
  sentAt?: number;
  deliveredAt?: number;
  respondedAt?: number;
  result?: Record<string, unknown>;
  nodeId?: string;
  productId?: string;
  gatewayId?: string;
  /** The device's application (resource space), when it has one: `app_id` of the notification header. */
  appId?: string;
}

export interface EventEntry {
  /** Log position, `<ms>-<seq>` as in a Redis Stream; entries come back in increasing order. */
  id: string;
  event: CommandEvent;
}

/**
 * The storage port of the domain core. Every method is atomic on its own: implementations run
 * multi-key changes as one unit (a Lua script on Redis), so concurrent dispatchers and ingresses
 * never see or create a half-made change. Every status change also appends its event to the
 * device's partition event log in the same unit.
 */
export interface CommandStore {
  addDevice(device: Device): Promise<void>;
  getDevice(ref: DeviceRef): Promise<Device | undefined>;
  findDeviceByNodeId(nodeId: string): Promise<Device | undefined>;
  /**
   * The device claiming `nodeId` in the node index, read alone (one round trip, no record): unverified,
   * since a claim can outlive an interrupted add or delete. findDeviceByNodeId checks it against the
   * record; so does RegistrationStore.registerDevice, in its own unit.
   */
  findDeviceRefByNodeId(nodeId: string): Promise<DeviceRef | undefined>;
  /** Removes the device, its queue and its history; false when it did not exist. */
  deleteDevice(ref: DeviceRef): Promise<boolean>;
  listDevices(projectId: string, filter: DeviceFilter, page: PageQuery): Promise<Page<Device>>;

  /** Fails with DEVICE_NOT_FOUND, or COMMAND_CACHE_FULL when a PENDING one would exceed the cap. */
  createCommand(record: CommandRecord, maxPending: number): Promise<Command>;
  getCommand(ref: CommandRef): Promise<Command | undefined>;
  listQueue(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>>;
  listHistory(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>>;
  countHistory(ref: DeviceRef, filter: CommandFilter): Promise<number>;

  transition(ref: CommandRef, change: TransitionRequest): Promise<TransitionOutcome>;
  /** Serial delivery: the oldest unexpired PENDING command becomes SENT with the given ack deadline. */
  takeNextForDelivery(ref: DeviceRef, now: number, deadline: number): Promise<TakeNextResult>;
  /** Expires overdue PENDING, times out overdue SENT/DELIVERED, purges history past retention. */
  sweep(partition: number, now: number, retentionMs: number): Promise<SweepResult>;

  /**
   * Events of one partition after `afterId` (exclusive; `'0'` or `''` reads from the oldest kept entry),
   * at most `count`, in log order.
   */
  readEvents(partition: number, afterId: string, count: number): Promise<EventEntry[]>;
  /**
   * Drops the partition's events up to and including `throughId`, once the notification forwarder has
   * fanned them out. Nothing else removes events (see redis/scripts.ts on why the log has no length cap).
   */
  trimEvents(partition: number, throughId: string): Promise<void>;
  /** Devices are spread over this many partitions (sweeping, events and leases are per partition). */
  readonly partitions: number;
  /** The partition of a device: stable for the store's configured partition count. */
  partitionOf(ref: DeviceRef): number;

  ping(): Promise<void>;
  close(): Promise<void>;
}
