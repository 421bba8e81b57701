import { type Clock, systemClock } from '../clock.js';
import { randomToken } from '../ids.js';
import { type CommandRef, type DeviceRef, QUEUE_STATUSES } from '../model.js';
import type { CommandStore, TakeNextResult, TransitionOutcome } from '../store.js';
import { deviceKey } from '../store-support.js';
import {
  candidateMid,
  type DeviceRegistered,
  MID_MAX,
  MID_RECLAIM_AT,
  type NewRegistration,
  nextMid,
  presenceTtlMs,
  type Registration,
  type RegistrationOptions,
  type RegistrationStore,
  type RegistrationUpdate,
  type TransitionThenTake,
  type WakeUpTake,
} from './registration.js';

interface MidTable {
  byMid: Map<number, string>;
  byCommand: Map<string, number>;
  until: number;
}

/** Where the embedded mode keeps presence (LocalDelivery). */
export interface PresenceMarks {
  markAwake(ref: DeviceRef, ttlMs: number): void;
}

export interface MemoryRegistrationStoreOptions {
  clock?: Clock;
  /**
   * The command store of the same process: which commands are still in the queue (reclaiming mids, see
   * RegistrationStore), the devices of registerDevice, the delivery steps of takeNextWithMid /
   * transitionWithMid.
   */
  commands?: Pick<CommandStore, 'getCommand' | 'getDevice' | 'takeNextForDelivery' | 'transition'>;
  /** Where register/update with `presence` mark the device awake. */
  presence?: PresenceMarks;
}

/** The registrations of the embedded mode (one process); lifetimes are enforced on read. */
export class MemoryRegistrationStore implements RegistrationStore {
  private readonly byDevice = new Map<string, Registration>();
  private readonly byId = new Map<string, string>();
  private readonly mids = new Map<string, MidTable>();
  private readonly clock: Clock;
  private readonly commands: MemoryRegistrationStoreOptions['commands'];
  private readonly presence: PresenceMarks | undefined;

  constructor(options: MemoryRegistrationStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.commands = options.commands;
    this.presence = options.presence;
  }

  async register(
    input: NewRegistration,
    options: RegistrationOptions = {},
  ): Promise<{ registration: Registration; replaced?: Registration }> {
    const key = deviceKey(input.projectId, input.deviceId);
    const replaced = this.live(key);
    if (replaced) this.byId.delete(replaced.registrationId);
    const registration: Registration = {
      ...input,
      registrationId: randomToken(8),
      updatedAt: input.registeredAt,
    };
    this.byDevice.set(key, registration);
    this.byId.set(registration.registrationId, key);
    this.markPresent(registration, options);
    return replaced ? { registration: { ...registration }, replaced } : { registration: { ...registration } };
  }

  async registerDevice(
    input: Omit<NewRegistration, 'productId'>,
    options: RegistrationOptions = {},
    take?: WakeUpTake,
  ): Promise<DeviceRegistered | undefined> {
    const device = await this.commandStore().getDevice(input);
    if (device?.nodeId !== input.nodeId) return undefined;
    const made: DeviceRegistered = await this.register({ ...input, productId: device.productId }, options);
    if (take) made.next = await this.takeNextWithMid(input, input.registeredAt, take.deadline, take.midTtlMs);
    return made;
  }

  async get(ref: DeviceRef): Promise<Registration | undefined> {
    const found = this.live(deviceKey(ref.projectId, ref.deviceId));
    return found && { ...found };
  }

  async findById(registrationId: string): Promise<Registration | undefined> {
    const found = this.liveById(registrationId);
    return found && { ...found };
  }

  async update(
    registrationId: string,
    changes: RegistrationUpdate,
    at: number,
    options: RegistrationOptions = {},
  ): Promise<Registration | undefined> {
    const found = this.liveById(registrationId);
    if (!found) return undefined;
    Object.assign(found, definedOnly(changes), { updatedAt: at });
    this.markPresent(found, options);
    return { ...found };
  }

  async updateThenTake(
    registrationId: string,
    changes: RegistrationUpdate,
    at: number,
    options: RegistrationOptions,
    take: WakeUpTake,
  ): Promise<{ registration: Registration; next?: TakeNextResult } | undefined> {
    const registration = await this.update(registrationId, changes, at, options);
    if (!registration) return undefined;
    const { device } = take;
    if (registration.projectId !== device.projectId || registration.deviceId !== device.deviceId)
      return { registration };
    return { registration, next: await this.takeNextWithMid(device, at, take.deadline, take.midTtlMs) };
  }

  async remove(registrationId: string): Promise<Registration | undefined> {
    const found = this.liveById(registrationId);
    if (!found) return undefined;
    this.byId.delete(registrationId);
    this.byDevice.delete(deviceKey(found.projectId, found.deviceId));
    return found;
  }

  async assignMid(ref: DeviceRef, commandId: string, candidate: number, ttlMs: number): Promise<number> {
    const table = this.midTable(ref, true);
    table.until = this.clock.now() + ttlMs;
    const existing = table.byCommand.get(commandId);
    if (existing !== undefined) return existing;
    if (table.byMid.size >= MID_RECLAIM_AT) await this.reclaim(ref, table);
    let mid = candidate;
    for (let tries = 0; tries < MID_MAX && table.byMid.has(mid); tries++) mid = nextMid(mid);
    table.byMid.set(mid, commandId);
    table.byCommand.set(commandId, mid);
    return mid;
  }

  async commandOfMid(ref: DeviceRef, mid: number): Promise<string | undefined> {
    return this.midTable(ref, false)?.byMid.get(mid);
  }

  async takeNextWithMid(ref: DeviceRef, now: number, deadline: number, midTtlMs: number): Promise<TakeNextResult> {
    const next = await this.commandStore().takeNextForDelivery(ref, now, deadline);
    await this.withMid(ref, next, midTtlMs);
    return next;
  }

  async transitionWithMid(ref: CommandRef, change: TransitionThenTake, midTtlMs: number): Promise<TransitionOutcome> {
    const outcome = await this.commandStore().transition(ref, change);
    if (outcome.next) await this.withMid(ref, outcome.next, midTtlMs);
    return outcome;
  }

  /** The taken command's mid: two steps here (one unit in Redis); whoever took the command is its only writer. */
  private async withMid(ref: DeviceRef, next: TakeNextResult, midTtlMs: number): Promise<void> {
    const id = next.command?.commandId;
    if (id !== undefined) next.mid = await this.assignMid(ref, id, candidateMid(id), midTtlMs);
  }

  private commandStore(): NonNullable<MemoryRegistrationStoreOptions['commands']> {
    if (!this.commands) throw new Error('MemoryRegistrationStore needs `commands` for delivery steps');
    return this.commands;
  }

  private markPresent(registration: Registration, options: RegistrationOptions): void {
    if (!options.presence) return;
    if (!this.presence) throw new Error('MemoryRegistrationStore needs `presence` to mark devices awake');
    this.presence.markAwake(registration, presenceTtlMs(registration, options.presence.queueModeAwakeMs));
  }

  private async reclaim(ref: DeviceRef, table: MidTable): Promise<void> {
    for (const [mid, commandId] of [...table.byMid]) {
      const command = await this.commands?.getCommand({ ...ref, commandId });
      if (command && QUEUE_STATUSES.includes(command.status)) continue;
      table.byMid.delete(mid);
      table.byCommand.delete(commandId);
    }
  }

  private midTable(ref: DeviceRef, create: true): MidTable;
  private midTable(ref: DeviceRef, create: false): MidTable | undefined;
  private midTable(ref: DeviceRef, create: boolean): MidTable | undefined {
    const key = deviceKey(ref.projectId, ref.deviceId);
    let table = this.mids.get(key);
    if (table && table.until <= this.clock.now()) {
      this.mids.delete(key);
      table = undefined;
    }
    if (!table && create) {
      table = { byMid: new Map(), byCommand: new Map(), until: 0 };
      this.mids.set(key, table);
    }
    return table;
  }

  private live(key: string): Registration | undefined {
    const found = this.byDevice.get(key);
    if (!found) return undefined;
    if (found.updatedAt + found.lifetimeS * 1000 > this.clock.now()) return found;
    this.byDevice.delete(key);
    this.byId.delete(found.registrationId);
    return undefined;
  }

  private liveById(registrationId: string): Registration | undefined {
    const key = this.byId.get(registrationId);
    const found = key === undefined ? undefined : this.live(key);
    return found?.registrationId === registrationId ? found : undefined;
  }
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}
