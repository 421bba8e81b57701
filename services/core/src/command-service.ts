import { type Clock, systemClock } from './clock.js';
import { CORE_DEFAULTS } from './defaults.js';
import type { DeliveryPort } from './delivery.js';
import { AppError } from './errors.js';
import { newId } from './ids.js';
import { LEGAL_FROM } from './lifecycle.js';
import { LIMITS } from './limits.js';
import {
  type Command,
  type CommandRef,
  DEVICE_PROFILE_FIELDS,
  type Device,
  type DeviceRef,
  type NewCommand,
  type NewDevice,
} from './model.js';
import type { RegistrationStore } from './registrations/registration.js';
import type {
  CommandFilter,
  CommandRecord,
  CommandStore,
  DeviceFilter,
  Page,
  PageQuery,
  TakeNextResult,
  TransitionOutcome,
  TransitionRequest,
} from './store.js';

export interface CommandServiceOptions {
  maxPending?: number;
  ackTimeoutMs?: number;
  resultTimeoutMs?: number;
  retentionMs?: number;
}

export interface CommandServiceDeps {
  store: CommandStore;
  delivery: DeliveryPort;
  clock?: Clock;
  options?: CommandServiceOptions;
  /** A failed hand-off does not fail the request (the command times out); it is reported here. */
  onHandOffError?: (error: unknown, command: Command) => void;
}

/**
 * Message ids (LwM2M mids) for the commands taken for delivery, given in the same store round trip as
 * the take (RegistrationStore.takeNextWithMid / transitionWithMid).
 */
export interface MidAssignment {
  store: Pick<RegistrationStore, 'takeNextWithMid' | 'transitionWithMid'>;
  /** How long a mid is kept; it must outlast the command's time in flight (see RegistrationStore.assignMid). */
  ttlMs: number;
}

/**
 * Asks a change that ends the command in flight (a result, a timeout) to take the device's next command
 * in the same store round trip, as takeNext would right after it (the outcome's `next`).
 */
export interface TakeNextOptions {
  /** The command taken also gets its mid (`next.mid`). */
  mids?: MidAssignment;
}

/** Options of the delivery steps that change a command: markDelivered, recordResult, markTimedOut. */
export interface DeliveryStepOptions {
  /** Only whether the change applied is wanted: the outcome has no `command` (TransitionRequest.brief). */
  brief?: boolean;
  /** Results and timeouts only: take the device's next command in the same store round trip. */
  thenTakeNext?: TakeNextOptions;
  /**
   * Results only: the device acknowledged the write at this time, and that was not recorded yet; a
   * command still SENT passes through DELIVERED in the same round trip (TransitionRequest.deliveredAt).
   */
  deliveredAt?: number;
}

/**
 * Ids end up in Redis key names (`...:<projectId>:<deviceId>`, hash tags, `<projectId>/<deviceId>`),
 * so the core refuses the separators itself instead of trusting every transport to.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const MAX_PROJECT_ID_LENGTH = 128;

/**
 * The use cases of asynchronous device commands, independent of HTTP and CoAP. The HTTP layer calls
 * the device/command methods; the CoAP ingress calls takeNext / markDelivered / recordResult /
 * markTimedOut. All failures are AppError.
 */
export class CommandService {
  readonly store: CommandStore;
  readonly delivery: DeliveryPort;
  readonly clock: Clock;
  readonly maxPending: number;
  readonly ackTimeoutMs: number;
  readonly resultTimeoutMs: number;
  readonly retentionMs: number;
  private readonly onHandOffError: (error: unknown, command: Command) => void;

  constructor(deps: CommandServiceDeps) {
    this.store = deps.store;
    this.delivery = deps.delivery;
    this.clock = deps.clock ?? systemClock;
    const options = deps.options ?? {};
    this.maxPending = options.maxPending ?? LIMITS.maxPendingPerDevice;
    this.ackTimeoutMs = options.ackTimeoutMs ?? CORE_DEFAULTS.ackTimeoutMs;
    this.resultTimeoutMs = options.resultTimeoutMs ?? CORE_DEFAULTS.resultTimeoutMs;
    this.retentionMs = options.retentionMs ?? CORE_DEFAULTS.retentionMs;
    this.onHandOffError = deps.onHandOffError ?? (() => {});
  }

  // ---- devices ----

  async addDevice(input: NewDevice): Promise<Device> {
    checkProjectId(input.projectId);
    if (!input.nodeId || input.nodeId.length > LIMITS.nodeIdMaxLength) {
      throw new AppError('INVALID_INPUT', 'node_id is invalid.');
    }
    if (!input.productId) throw new AppError('INVALID_INPUT', 'product_id is required.');
    // IoTDA's default device id for a device registered without one.
    const deviceId = input.deviceId ?? `${input.productId}_${input.nodeId}`;
    checkDeviceId(deviceId);
    const device: Device = {
      projectId: input.projectId,
      deviceId,
      nodeId: input.nodeId,
      productId: input.productId,
      gatewayId: input.gatewayId ?? deviceId,
      createdAt: this.clock.now(),
    };
    if (input.deviceName !== undefined) device.deviceName = input.deviceName;
    if (input.description !== undefined) device.description = input.description;
    if (input.secret !== undefined) device.secret = input.secret;
    for (const name of DEVICE_PROFILE_FIELDS) {
      if (input[name] !== undefined) Object.assign(device, { [name]: input[name] });
    }
    await this.store.addDevice(device);
    return device;
  }

  async getDevice(ref: DeviceRef): Promise<Device> {
    const device = await this.store.getDevice(ref);
    if (!device) throw new AppError('DEVICE_NOT_FOUND');
    return device;
  }

  /** For the ingress: the LwM2M endpoint name is the node_id. */
  async findDeviceByNodeId(nodeId: string): Promise<Device | undefined> {
    return this.store.findDeviceByNodeId(nodeId);
  }

  /**
   * For the ingress: the device claiming the endpoint name, from the node index alone (one store read,
   * unverified: RegistrationStore.registerDevice checks the device in the same unit as the registration).
   */
  async findDeviceRefByNodeId(nodeId: string): Promise<DeviceRef | undefined> {
    return this.store.findDeviceRefByNodeId(nodeId);
  }

  async deleteDevice(ref: DeviceRef): Promise<void> {
    if (!(await this.store.deleteDevice(ref))) throw new AppError('DEVICE_NOT_FOUND');
  }

  async listDevices(projectId: string, filter: DeviceFilter, page: PageQuery): Promise<Page<Device>> {
    checkPage(page);
    checkRange(filter);
    return this.store.listDevices(projectId, filter, page);
  }

  // ---- commands (HTTP side) ----

  async createCommand(input: NewCommand): Promise<Command> {
    checkCommand(input);
    const now = this.clock.now();
    const expireSeconds = input.expireTime ? input.expireTime : LIMITS.defaultExpireSeconds;
    const record: CommandRecord = {
      projectId: input.projectId,
      deviceId: input.deviceId,
      commandId: newId(),
      paras: input.paras,
      sendStrategy: input.sendStrategy,
      status: 'PENDING',
      expireTime: input.expireTime ?? 0,
      createdAt: now,
      expiresAt: now + expireSeconds * 1000,
    };
    if (input.serviceId !== undefined) record.serviceId = input.serviceId;
    if (input.commandName !== undefined) record.commandName = input.commandName;
    if (input.sendStrategy === 'immediately') {
      // As IoTDA: sent at once to a reachable device, FAILED at once otherwise (nothing is cached).
      if (await this.delivery.isAwake(input)) {
        record.status = 'SENT';
        record.deadline = now + this.ackTimeoutMs;
      } else {
        record.status = 'FAILED';
      }
    }
    const command = await this.store.createCommand(record, this.maxPending);
    if (command.status === 'SENT') {
      try {
        await this.delivery.handOff(command);
      } catch (error) {
        this.onHandOffError(error, command);
      }
    }
    return command;
  }

  async getCommand(ref: CommandRef): Promise<Command> {
    const command = await this.store.getCommand(ref);
    if (command) return command;
    await this.getDevice(ref);
    throw new AppError('COMMAND_NOT_FOUND');
  }

  async listQueue(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>> {
    checkPage(page);
    checkRange(filter);
    await this.getDevice(ref);
    return this.store.listQueue(ref, filter, page);
  }

  async listHistory(ref: DeviceRef, filter: CommandFilter, page: PageQuery): Promise<Page<Command>> {
    checkPage(page);
    checkRange(filter);
    await this.getDevice(ref);
    return this.store.listHistory(ref, filter, page);
  }

  async countHistory(ref: DeviceRef, filter: CommandFilter): Promise<number> {
    checkRange(filter);
    await this.getDevice(ref);
    return this.store.countHistory(ref, filter);
  }

  // ---- delivery side (CoAP ingress) ----

  /**
   * The device is reachable: the oldest unexpired PENDING command becomes SENT, unless one is in flight.
   * With `mids`, the command taken also gets its message id (`mid`) in the same store round trip.
   */
  async takeNext(ref: DeviceRef, mids?: MidAssignment): Promise<TakeNextResult> {
    const now = this.clock.now();
    const deadline = now + this.ackTimeoutMs;
    if (mids) return mids.store.takeNextWithMid(ref, now, deadline, mids.ttlMs);
    return this.store.takeNextForDelivery(ref, now, deadline);
  }

  /**
   * The device acknowledged the write (CoAP ACK 2.04), now or at `at`: it has `resultTimeoutMs` from then
   * to answer.
   */
  async markDelivered(
    ref: CommandRef,
    options: Pick<DeliveryStepOptions, 'brief'> & { at?: number } = {},
  ): Promise<TransitionOutcome> {
    const now = options.at ?? this.clock.now();
    const change: TransitionRequest = {
      to: 'DELIVERED',
      from: LEGAL_FROM.DELIVERED,
      at: now,
      deadline: now + this.resultTimeoutMs,
    };
    if (options.brief) change.brief = true;
    return this.store.transition(ref, change);
  }

  /**
   * The device's result (or its rejection of the write): SUCCESSFUL or FAILED. With `thenTakeNext`, the
   * device's next command is taken in the same store round trip (see TakeNextOptions).
   */
  async recordResult(
    ref: CommandRef,
    ok: boolean,
    result?: Record<string, unknown>,
    options: DeliveryStepOptions = {},
  ): Promise<TransitionOutcome> {
    const to = ok ? 'SUCCESSFUL' : 'FAILED';
    const change: TransitionRequest = { to, from: LEGAL_FROM[to], at: this.clock.now() };
    if (result !== undefined) change.result = result;
    if (options.deliveredAt !== undefined) change.deliveredAt = options.deliveredAt;
    return this.end(ref, change, options);
  }

  /** The ingress gave up on the device (retransmissions exhausted) before the sweeper's deadline. */
  async markTimedOut(ref: CommandRef, options: DeliveryStepOptions = {}): Promise<TransitionOutcome> {
    return this.end(ref, { to: 'TIMEOUT', from: LEGAL_FROM.TIMEOUT, at: this.clock.now() }, options);
  }

  private async end(
    ref: CommandRef,
    change: TransitionRequest,
    options: DeliveryStepOptions,
  ): Promise<TransitionOutcome> {
    if (options.brief) change.brief = true;
    const { thenTakeNext } = options;
    if (!thenTakeNext) return this.store.transition(ref, change);
    const takeNext = { deadline: change.at + this.ackTimeoutMs };
    const { mids } = thenTakeNext;
    if (mids) return mids.store.transitionWithMid(ref, { ...change, takeNext }, mids.ttlMs);
    return this.store.transition(ref, { ...change, takeNext });
  }
}

function checkProjectId(projectId: string): void {
  if (!projectId || projectId.length > MAX_PROJECT_ID_LENGTH || !ID_PATTERN.test(projectId)) {
    throw new AppError('INVALID_INPUT', 'project_id is invalid.');
  }
}

function checkDeviceId(deviceId: string): void {
  if (deviceId.length > LIMITS.deviceIdMaxLength || !ID_PATTERN.test(deviceId)) {
    throw new AppError('INVALID_INPUT', 'device_id is invalid.');
  }
}

function checkCommand(input: NewCommand): void {
  checkProjectId(input.projectId);
  checkDeviceId(input.deviceId);
  if (input.sendStrategy !== 'immediately' && input.sendStrategy !== 'delay') {
    throw new AppError('INVALID_INPUT', 'send_strategy must be immediately or delay.');
  }
  const { expireTime } = input;
  if (expireTime !== undefined && (!Number.isInteger(expireTime) || expireTime < 0)) {
    throw new AppError('INVALID_INPUT', 'expire_time must be a non-negative integer.');
  }
  if (expireTime !== undefined && expireTime > LIMITS.maxExpireSeconds) {
    throw new AppError('INVALID_INPUT', `expire_time must be at most ${LIMITS.maxExpireSeconds}.`);
  }
  if (input.serviceId !== undefined && input.serviceId.length > LIMITS.serviceIdMaxLength) {
    throw new AppError('INVALID_INPUT', 'service_id is too long.');
  }
  if (input.commandName !== undefined && input.commandName.length > LIMITS.commandNameMaxLength) {
    throw new AppError('INVALID_INPUT', 'command_name is too long.');
  }
  const { paras } = input;
  if (typeof paras !== 'object' || paras === null || Array.isArray(paras)) {
    throw new AppError('INVALID_INPUT', 'paras must be a JSON object.');
  }
  if (Buffer.byteLength(JSON.stringify(paras), 'utf8') > LIMITS.maxParasBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `paras exceed ${LIMITS.maxParasBytes} bytes.`);
  }
}

function checkPage(page: PageQuery): void {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > LIMITS.pageLimitMax) {
    throw new AppError('LIMIT_OUT_OF_RANGE');
  }
  if (!Number.isInteger(page.offset) || page.offset < 0 || page.offset > LIMITS.pageOffsetMax) {
    throw new AppError('INVALID_INPUT', `offset must be in 0..${LIMITS.pageOffsetMax}.`);
  }
}

function checkRange(filter: { startTime?: number; endTime?: number }): void {
  if (filter.startTime !== undefined && filter.endTime !== undefined && filter.startTime > filter.endTime) {
    throw new AppError('TIME_RANGE');
  }
}
