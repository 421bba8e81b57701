/**
 * What one replica knows in memory about the devices registered at it: the registration, the
 * observation of /19/0/0, the commands it has written and awaits an answer for, and the serial
 * delivery state. The store stays the source of truth; a session is rebuilt from it when missing.
 */
import { type DeviceRef, deviceKey, type Registration } from '@snooze/core';
import type { Codec } from './codecs/codec.js';
import type { Observation } from './resources/observe-uplink.js';

/** A command written to the device (PUT /19/1/0) that has not been answered yet. */
export interface InFlight {
  commandId: string;
  mid: number;
  stage: 'sent' | 'delivered';
  sentAt: number;
  /** When the device acknowledged the write. */
  deliveredAt?: number;
  /** Set while that acknowledgement is held back, not recorded yet (DELIVERED_HOLD_MS). */
  deliveredHold?: NodeJS.Timeout;
  /** Stops retransmitting the write and forgets it. */
  cancelWrite?: () => void;
  resultTimer?: NodeJS.Timeout;
}

export class Session {
  readonly key: string;
  readonly ref: DeviceRef;
  observation: Observation | undefined;
  readonly inflight = new Map<string, InFlight>();
  /** Queue mode: the device listens until then (epoch ms). */
  awakeUntil = 0;
  /** When the device's last message arrived, for the wake-to-command metric. */
  wokeAt = 0;
  /** When the device's presence in the store was last set (queue mode). */
  presenceAt = 0;
  lifetimeTimer: NodeJS.Timeout | undefined;
  /**
   * Serial delivery: one take at a time per device (a takeNext, or the take that goes with a result or
   * timeout); a wake-up meanwhile asks for another round.
   */
  pumping = false;
  pumpAgain = false;

  constructor(
    public registration: Registration,
    readonly codec: Codec,
  ) {
    this.ref = { projectId: registration.projectId, deviceId: registration.deviceId };
    this.key = deviceKey(registration.projectId, registration.deviceId);
  }

  get queueMode(): boolean {
    return this.registration.binding === 'UQ';
  }

  /** U devices listen all the time; UQ devices only for a while after they spoke. */
  reachable(now: number): boolean {
    return !this.queueMode || now < this.awakeUntil;
  }

  inflightByMid(mid: number): InFlight | undefined {
    for (const entry of this.inflight.values()) if (entry.mid === mid) return entry;
    return undefined;
  }
}

/** Sessions by device and by registration id. */
export class SessionTable {
  private readonly byDevice = new Map<string, Session>();
  private readonly byRegistration = new Map<string, Session>();

  get size(): number {
    return this.byDevice.size;
  }

  get(ref: DeviceRef): Session | undefined {
    return this.byDevice.get(deviceKey(ref.projectId, ref.deviceId));
  }

  byRegistrationId(registrationId: string): Session | undefined {
    return this.byRegistration.get(registrationId);
  }

  /** Indexes the session under its current registration id, dropping the index of a replaced one. */
  put(session: Session, previousRegistrationId?: string): void {
    if (previousRegistrationId !== undefined) this.byRegistration.delete(previousRegistrationId);
    this.byDevice.set(session.key, session);
    this.byRegistration.set(session.registration.registrationId, session);
  }

  delete(session: Session): void {
    if (this.byDevice.get(session.key) === session) this.byDevice.delete(session.key);
    if (this.byRegistration.get(session.registration.registrationId) === session) {
      this.byRegistration.delete(session.registration.registrationId);
    }
  }

  all(): IterableIterator<Session> {
    return this.byDevice.values();
  }
}
