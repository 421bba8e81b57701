import type { CommandRef, DeviceRef } from '../model.js';
import { fnv1a32 } from '../partition.js';
import type { TakeNextResult, TransitionOutcome, TransitionRequest } from '../store.js';

/** LwM2M bindings the ingress accepts: U (always reachable over UDP) and UQ (UDP with queue mode). */
export const BINDINGS = ['U', 'UQ'] as const;
export type Binding = (typeof BINDINGS)[number];

/**
 * A device's LwM2M registration (`POST /rd?ep=<node_id>`), shared by every ingress replica: which
 * replica holds it and at which address:port the device (or its NAT) can be reached.
 */
export interface Registration extends DeviceRef {
  /** Opaque, made by the store; the `rd/<id>` Location-Path the device updates and de-registers with. */
  registrationId: string;
  nodeId: string;
  productId: string;
  address: string;
  port: number;
  binding: Binding;
  /** Seconds, as given by `lt`: the registration ends this long after the last register/update. */
  lifetimeS: number;
  lwm2m: string;
  ingressId: string;
  registeredAt: number;
  updatedAt: number;
}

export type NewRegistration = Omit<Registration, 'registrationId' | 'updatedAt'>;

/** What a registration update (`POST /rd/<id>`) may change; the rest stays. */
export type RegistrationUpdate = Partial<
  Pick<Registration, 'address' | 'port' | 'binding' | 'lifetimeS' | 'ingressId'>
>;

/**
 * The registration port. A registration lives `lifetimeS` after its last register/update, then it is
 * gone (TTL), so a dead ingress never leaves devices registered forever.
 *
 * Message ids (`mid`): a command written to a device carries a small integer that the device's result
 * echoes. The mapping is kept here, beside the registration and not in the ingress's memory, so that
 * another replica or a restarted one still matches a late result and re-sends with the same mid.
 */
export interface RegistrationStore {
  /**
   * Creates the device's registration, replacing (and returning) any previous one. With `presence`, the
   * device's presence (awake at `input.ingressId`, see presenceTtlMs) is set in the same unit.
   */
  register(
    input: NewRegistration,
    options?: RegistrationOptions,
  ): Promise<{ registration: Registration; replaced?: Registration }>;
  /**
   * Registers a provisioned device, as `register` does, after checking in the same unit that the device
   * exists with `input.nodeId` (a node claim can outlive its device, see CommandStore.findDeviceRefByNodeId);
   * its productId comes from the device record. Undefined, with nothing changed, when there is no such device.
   * With `take` (its device is the registering one), the device's next command is taken in the same unit
   * too, as takeNextWithMid would: `next`.
   */
  registerDevice(
    input: Omit<NewRegistration, 'productId'>,
    options?: RegistrationOptions,
    take?: WakeUpTake,
  ): Promise<DeviceRegistered | undefined>;
  get(ref: DeviceRef): Promise<Registration | undefined>;
  findById(registrationId: string): Promise<Registration | undefined>;
  /**
   * Applies the changes and restarts the lifetime; undefined when the registration is gone. With
   * `presence`, the presence is set for the updated registration in the same unit, as `register` does.
   */
  update(
    registrationId: string,
    changes: RegistrationUpdate,
    at: number,
    options?: RegistrationOptions,
  ): Promise<Registration | undefined>;
  /**
   * `update`, then in the same unit `takeNextWithMid(device, at, take.deadline, take.midTtlMs)` for
   * `take.device` when the registration is that device's: a wake-up and its first command in one round
   * trip. Undefined when the registration is gone; `next` absent when it belongs to another device.
   */
  updateThenTake(
    registrationId: string,
    changes: RegistrationUpdate,
    at: number,
    options: RegistrationOptions,
    take: WakeUpTake,
  ): Promise<{ registration: Registration; next?: TakeNextResult } | undefined>;
  /** De-registration; returns what was removed. */
  remove(registrationId: string): Promise<Registration | undefined>;

  /**
   * The command's mid on this device: the one it already has, else `candidate` or the next free one.
   * Kept `ttlMs` (renewed on every assignment), which must outlast the command's time in flight.
   * Mids are never released one by one (that would cost a store round trip per command): once a
   * device has MID_RECLAIM_AT of them, those of commands no longer in the queue are reclaimed. A late
   * result that still finds its finished command is harmless (the core ignores the transition).
   */
  assignMid(ref: DeviceRef, commandId: string, candidate: number, ttlMs: number): Promise<number>;
  commandOfMid(ref: DeviceRef, mid: number): Promise<string | undefined>;

  /**
   * Serial delivery and its mid in one unit: `CommandStore.takeNextForDelivery(ref, now, deadline)`, and
   * the command taken (if any) gets its mid as `assignMid(ref, id, candidateMid(id), midTtlMs)` would give
   * it, returned as the result's `mid`. Saves the delivery a store round trip per command.
   */
  takeNextWithMid(ref: DeviceRef, now: number, deadline: number, midTtlMs: number): Promise<TakeNextResult>;
  /**
   * `CommandStore.transition(ref, change)` with its take of the next command (`change.takeNext`), whose
   * command also gets its mid as in takeNextWithMid: a result or timeout, the next command and its mid
   * in one unit.
   */
  transitionWithMid(ref: CommandRef, change: TransitionThenTake, midTtlMs: number): Promise<TransitionOutcome>;
}

/** What registerDevice made: the registration, the one it replaced, and what its take took. */
export interface DeviceRegistered {
  registration: Registration;
  replaced?: Registration;
  next?: TakeNextResult;
}

/** The take that goes with a wake-up (registerDevice, updateThenTake): as takeNextWithMid's arguments. */
export interface WakeUpTake {
  device: DeviceRef;
  deadline: number;
  midTtlMs: number;
}

/** A transition that takes the device's next command in the same unit. */
export type TransitionThenTake = TransitionRequest & Required<Pick<TransitionRequest, 'takeNext'>>;

export interface RegistrationOptions {
  /** Also mark the device present at the registration's ingress, in the same unit (see presenceTtlMs). */
  presence?: PresenceRequest;
}

export interface PresenceRequest {
  /** How long a UQ (queue mode) device listens after each of its messages (QUEUE_MODE_AWAKE_MS). */
  queueModeAwakeMs: number;
}

/**
 * How long a registered device counts as reachable at its ingress (the core's presence, which the
 * immediate send strategy reads): the whole lifetime for U, the queue-mode window (at most the
 * lifetime) for UQ.
 */
export function presenceTtlMs(registration: Pick<Registration, 'binding' | 'lifetimeS'>, queueModeAwakeMs: number) {
  const lifetimeMs = registration.lifetimeS * 1000;
  return registration.binding === 'UQ' ? Math.min(lifetimeMs, queueModeAwakeMs) : lifetimeMs;
}

/** A device's mids are checked for reclaiming once it holds this many. */
export const MID_RECLAIM_AT = 16;

/** LwM2M/CoAP message ids of our payloads are 16-bit, 0 is avoided (some codecs use it as "none"). */
export const MID_MAX = 65_535;

export function nextMid(mid: number): number {
  return (mid % MID_MAX) + 1;
}

/** A stable first choice of mid for a command (FNV-1a of its id); the store resolves collisions per device. */
export function candidateMid(commandId: string): number {
  return (fnv1a32(commandId) % MID_MAX) + 1;
}
