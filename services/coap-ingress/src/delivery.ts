/**
 * Serial command delivery, IoTDA's cached mode: when a device is reachable, its oldest PENDING command
 * is written to it; the next one only after the device answered (or the write timed out). Expiry is
 * checked at dequeue by the core (takeNext), so a command that expired while the device slept never
 * goes out. Immediate commands, already SENT by the dispatcher, are written at once.
 *
 * Restart safety: a command is SENT in the store before its write goes out and its mid is stored
 * beside the registration. When a device comes back and the store says a command is in flight that
 * this replica is not waiting for (the replica that wrote it died, or the device moved), the command
 * is written again with the same mid; devices treat a repeated mid as a repeat (acknowledge it, resend
 * the result, do not execute twice). A device that never comes back leaves it to the sweeper, which
 * ends it in TIMEOUT at its deadline. Either way no command stays in flight and none disappears.
 *
 * Store round trips: a take gives the command its mid in the same round trip (takeNext with mids), and
 * the result or timeout that ends a command takes the next one in its own round trip (thenTakeNext).
 * The acknowledgement is held back briefly (DELIVERED_HOLD_MS): a result that comes meanwhile records
 * DELIVERED with it. A registration or its update takes the first command in its own round trip
 * (claimFirstTake). A wake-up then costs no store round trip of its own beyond the registration's,
 * and each command one (its result, which takes the next) when the device answers at once, two when
 * it takes longer.
 */
import {
  type Command,
  type CommandRef,
  type CommandService,
  candidateMid,
  type DeliveryStepOptions,
  type DeviceRef,
  deviceKey,
  type MidAssignment,
  presenceTtlMs,
  type RegistrationStore,
  type TakeNextResult,
  type TransitionOutcome,
} from '@snooze/core';
import type { Logger } from 'pino';
import { CodecError, type EncodedCommand, resultOf, type Uplink } from './codecs/codec.js';
import type { CoapEndpoint } from './endpoint.js';
import type { IngressMetrics, Outcome } from './metrics.js';
import { DELIVERED_HOLD_MS, presenceRefreshSlackMs } from './parameters.js';
import type { HandOff, Presence } from './presence.js';
import { writeCommand } from './resources/object19-write.js';
import type { TakeClaim } from './resources/registration.js';
import type { InFlight, Session, SessionTable } from './sessions.js';
import { MessageTooLargeError } from './transport/coap-transport.js';

export type SendReason = 'wake' | 'immediate' | 'resend';

export interface DeliveryDeps {
  service: CommandService;
  registrations: RegistrationStore;
  endpoint: CoapEndpoint;
  presence: Presence;
  sessions: SessionTable;
  metrics: IngressMetrics;
  logger: Logger;
  queueModeAwakeMs: number;
  /** Finds or rebuilds the session of a device registered at this replica (hand-offs after a restart). */
  adopt(ref: CommandRef): Promise<Session | undefined>;
}

/** The queue of a device at most this long is scanned for commands in flight nobody waits for. */
const RECOVERY_SCAN = 50;

/**
 * A change that ends the command in flight, asked (or not) to take the device's next one with it. The
 * ingress never reads the command back from a change: every step is `brief`.
 */
type EndingChange = (options: DeliveryStepOptions) => Promise<TransitionOutcome>;

const BRIEF = { brief: true } as const;

/** The mid of a claimed command whose mid is still being assigned: no device sends it (mids are 1..65535). */
const NO_MID = -1;

export class Delivery {
  private readonly midTtlMs: number;
  /** Takes give their command its mid in the same store round trip. */
  private readonly mids: MidAssignment;
  /** Keys of devices without a session here whose first take is claimed (claimFirstTake). */
  private readonly claimedUnseen = new Set<string>();

  constructor(private readonly deps: DeliveryDeps) {
    // A mid must outlive its command's time in flight (ack deadline + result deadline) with room to spare.
    this.midTtlMs = 2 * (deps.service.ackTimeoutMs + deps.service.resultTimeoutMs);
    this.mids = { store: deps.registrations, ttlMs: this.midTtlMs };
  }

  /**
   * The device sent something: it is awake (queue mode window) and its queue may move. `firstTake`:
   * what the store already took for it with its message (claimFirstTake).
   */
  wake(session: Session, now: number, refreshPresence: boolean, firstTake?: TakeNextResult): void {
    this.touch(session, now, refreshPresence);
    if (!firstTake) {
      this.pump(session);
      return;
    }
    session.pumping = true;
    this.claimedUnseen.delete(session.key);
    void this.runPump(session, Promise.resolve(firstTake));
  }

  /**
   * Claims the device's next take for a store call that comes with the device's message (a registration
   * or an update), as a pump would: only while no take of it is under way and nothing is in flight. A
   * device this replica has no session of yet (a first registration) is claimed by its key until wake
   * gets the session.
   */
  claimFirstTake(device: DeviceRef): TakeClaim | undefined {
    const session = this.deps.sessions.get(device);
    const key = deviceKey(device.projectId, device.deviceId);
    if (session ? this.takeUnderWay(session) || session.inflight.size > 0 : this.claimedUnseen.has(key)) {
      return undefined;
    }
    if (session) session.pumping = true;
    else this.claimedUnseen.add(key);
    return {
      take: { device, deadline: Date.now() + this.deps.service.ackTimeoutMs, midTtlMs: this.midTtlMs },
      release: () => {
        this.claimedUnseen.delete(key);
        if (session) session.pumping = false;
        const current = this.deps.sessions.get(device);
        if (current?.pumpAgain) this.pump(current);
      },
    };
  }

  /** A take of the device is under way, or claimed for a store call of its registration. */
  private takeUnderWay(session: Session): boolean {
    return session.pumping || this.claimedUnseen.has(session.key);
  }

  /**
   * Queue mode: a device listens for a while after each of its messages, and its presence in the store
   * (what the dispatcher's immediate strategy reads) follows, unless the message was a registration,
   * which set it itself. A refresh within the slack of the last one is skipped: a wake-up with its
   * command and result is then one store write cheaper, and the store may end the window up to the
   * slack early (an immediate command then FAILs rather than going to a device that may be asleep).
   */
  private touch(session: Session, now: number, refreshPresence: boolean): void {
    session.wokeAt = now;
    if (!session.queueMode) return;
    session.awakeUntil = now + this.deps.queueModeAwakeMs;
    if (!refreshPresence) {
      session.presenceAt = now;
      return;
    }
    if (now - session.presenceAt < presenceRefreshSlackMs(this.deps.queueModeAwakeMs)) return;
    session.presenceAt = now;
    const ttl = presenceTtlMs(session.registration, this.deps.queueModeAwakeMs);
    this.deps.presence
      .awake(session.ref, ttl)
      .catch((err) => this.deps.logger.warn({ err }, 'presence refresh failed'));
  }

  /** Takes the device's next command unless one is in flight; never runs twice at once per device. */
  pump(session: Session): void {
    if (this.takeUnderWay(session)) {
      session.pumpAgain = true;
      return;
    }
    session.pumping = true;
    void this.runPump(session);
  }

  /** Pump rounds of a session whose `pumping` the caller has set; the first take may be under way already. */
  private runPump(session: Session, firstTake?: Promise<TakeNextResult | undefined>): Promise<void> {
    return this.pumpRounds(session, firstTake)
      .catch((err) => this.deps.logger.error({ err, device_id: session.ref.deviceId }, 'delivery failed'))
      .finally(() => {
        session.pumping = false;
      });
  }

  private async pumpRounds(session: Session, firstTake?: Promise<TakeNextResult | undefined>): Promise<void> {
    let pendingTake = firstTake;
    do {
      session.pumpAgain = false;
      let next: TakeNextResult | undefined;
      if (pendingTake) {
        next = await pendingTake;
        pendingTake = undefined;
      } else {
        if (!this.mayTake(session)) return;
        next = await this.deps.service.takeNext(session.ref, this.mids);
      }
      if (!next) {
        // The change that was to take the next command failed: a plain round instead (as before the merge).
        session.pumpAgain = true;
        continue;
      }
      if (next.expired > 0) this.deps.metrics.expiredAtDequeue.inc(next.expired);
      if (next.command) await this.send(session, next.command, 'wake', next.mid);
      else if (next.busy && session.inflight.size === 0) await this.recover(session);
    } while (session.pumpAgain);
  }

  /** This replica holds the device and the device listens now. */
  private mayTake(session: Session): boolean {
    return this.deps.sessions.get(session.ref) === session && session.reachable(Date.now());
  }

  /** Writes a SENT command to the device; `assigned` is its mid when the take gave it one. */
  async send(session: Session, command: Command, reason: SendReason, assigned?: number): Promise<void> {
    const { service, registrations, metrics } = this.deps;
    const ref: CommandRef = { ...session.ref, commandId: command.commandId };
    if (session.inflight.has(command.commandId)) return;
    // Claimed before any await: a hand-off and a recovery of the same command must not both write it.
    const entry: InFlight = { commandId: command.commandId, mid: assigned ?? NO_MID, stage: 'sent', sentAt: 0 };
    session.inflight.set(command.commandId, entry);
    try {
      if (assigned === undefined) {
        const candidate = candidateMid(command.commandId);
        entry.mid = await registrations.assignMid(session.ref, command.commandId, candidate, this.midTtlMs);
        // Abandoned meanwhile (the device moved, the ingress closes): the claim is no longer ours.
        if (session.inflight.get(command.commandId) !== entry) return;
      }
      this.write(session, entry, ref, session.codec.encode(command, entry.mid));
    } catch (error) {
      if (session.inflight.get(command.commandId) === entry) session.inflight.delete(command.commandId);
      const cause = undeliverable(error);
      if (!cause) throw error;
      await this.transition(service.recordResult(ref, false, cause, BRIEF));
      metrics.outcomes.inc({ outcome: 'failed' });
      session.pumpAgain = true;
      return;
    }
    metrics.commandsSent.inc({ reason });
    if (reason === 'wake' && session.wokeAt > 0) metrics.wakeToSend.observe((entry.sentAt - session.wokeAt) / 1000);
  }

  /** Sends the write of a claimed command; throws MessageTooLargeError when it cannot go out at all. */
  private write(session: Session, entry: InFlight, ref: CommandRef, encoded: EncodedCommand): void {
    const { service, metrics } = this.deps;
    const { address, port } = session.registration;
    entry.sentAt = Date.now();
    entry.cancelWrite = writeCommand(this.deps.endpoint, { address, port }, encoded, {
      onDelivered: () => {
        if (session.inflight.get(entry.commandId) !== entry) return;
        entry.stage = 'delivered';
        entry.deliveredAt = Date.now();
        metrics.outcomes.inc({ outcome: 'delivered' });
        entry.deliveredHold = setTimeout(() => this.recordDelivered(entry, ref), DELIVERED_HOLD_MS);
        entry.resultTimer = setTimeout(() => {
          void this.finish(session, entry, 'result_timeout', (options) => service.markTimedOut(ref, options));
        }, service.resultTimeoutMs);
        entry.resultTimer.unref();
      },
      onAnswer: (payload, contentFormat) => this.onUplink(session, payload, contentFormat),
      onRejected: (code) =>
        void this.finish(session, entry, 'rejected', (options) => service.recordResult(ref, false, { code }, options)),
      onNoAck: () => void this.finish(session, entry, 'ack_timeout', (options) => service.markTimedOut(ref, options)),
    });
  }

  /** Records a held acknowledgement now (its hold ended, or the write is abandoned). */
  private recordDelivered(entry: InFlight, ref: CommandRef): void {
    const at = this.takeHeldDelivery(entry);
    if (at !== undefined) void this.transition(this.deps.service.markDelivered(ref, { brief: true, at }));
  }

  /** The time of an acknowledgement still held back, which the result then records; stops the hold. */
  private takeHeldDelivery(entry: InFlight): number | undefined {
    if (entry.deliveredHold === undefined) return undefined;
    clearTimeout(entry.deliveredHold);
    entry.deliveredHold = undefined;
    return entry.deliveredAt;
  }

  /** A notification on /19/0/0 (or a payload answering a write). */
  onUplink(session: Session, payload: Buffer, contentFormat: number | undefined): void {
    const { metrics, logger } = this.deps;
    let uplink: Uplink;
    try {
      uplink = session.codec.decode(payload, contentFormat);
    } catch (err) {
      metrics.uplinks.inc({ kind: 'invalid' });
      logger.warn({ err, device_id: session.ref.deviceId }, 'undecodable uplink ignored');
      return;
    }
    metrics.uplinks.inc({ kind: uplink.kind });
    if (uplink.kind === 'data') {
      this.wake(session, Date.now(), true);
      return;
    }
    this.onResult(session, uplink).catch((err) => logger.error({ err }, 'recording a result failed'));
  }

  private async onResult(session: Session, uplink: Extract<Uplink, { kind: 'result' }>): Promise<void> {
    const { service, registrations, metrics } = this.deps;
    const ok = uplink.errcode === 0;
    const result = resultOf(uplink);
    this.touch(session, Date.now(), true);
    const local = session.inflightByMid(uplink.mid);
    if (local) {
      metrics.roundTrip.observe((Date.now() - local.sentAt) / 1000);
      const ref = { ...session.ref, commandId: local.commandId };
      const deliveredAt = this.takeHeldDelivery(local);
      await this.finish(session, local, ok ? 'successful' : 'failed', (options) =>
        service.recordResult(ref, ok, result, deliveredAt === undefined ? options : { ...options, deliveredAt }),
      );
      return;
    }
    // Written by another replica or before a restart: the stored mid still finds the command.
    const commandId = await registrations.commandOfMid(session.ref, uplink.mid);
    if (commandId !== undefined) {
      metrics.outcomes.inc({ outcome: ok ? 'successful' : 'failed' });
      await this.endThenPump(session, (options) =>
        service.recordResult({ ...session.ref, commandId }, ok, result, options),
      );
    } else {
      this.deps.logger.info({ device_id: session.ref.deviceId, mid: uplink.mid }, 'result for an unknown mid ignored');
      this.pump(session);
    }
  }

  /** The dispatcher created an immediate command for a device it believes is registered here. */
  async onHandOff(handOff: HandOff): Promise<void> {
    const { service } = this.deps;
    const session = this.deps.sessions.get(handOff.ref) ?? (await this.deps.adopt(handOff.ref));
    if (!session?.reachable(Date.now())) {
      // As IoTDA: an immediate command that cannot reach its device fails at once.
      await this.transition(service.recordResult(handOff.ref, false, { error: 'DEVICE_UNREACHABLE' }, BRIEF));
      return;
    }
    const command = handOff.command ?? (await service.store.getCommand(handOff.ref));
    if (command?.status !== 'SENT') return;
    await this.send(session, command, 'immediate');
  }

  /**
   * Stops everything this replica does for the device's writes (on close, or when the device moved),
   * without changing their states: they stay SENT or DELIVERED in the store, for recovery or the sweeper.
   */
  abandon(session: Session): void {
    for (const entry of session.inflight.values()) {
      entry.cancelWrite?.();
      clearTimeout(entry.resultTimer);
      this.recordDelivered(entry, { ...session.ref, commandId: entry.commandId });
    }
    session.inflight.clear();
  }

  private async finish(session: Session, entry: InFlight, outcome: Outcome, change: EndingChange): Promise<void> {
    if (session.inflight.get(entry.commandId) !== entry) return;
    session.inflight.delete(entry.commandId);
    entry.cancelWrite?.();
    clearTimeout(entry.resultTimer);
    clearTimeout(entry.deliveredHold);
    this.deps.metrics.outcomes.inc({ outcome });
    await this.endThenPump(session, change);
  }

  /**
   * A change that ends a command, then the device's next command. When this replica may take for the
   * device right now (it holds it, the device listens, no take of it is under way), the change takes the
   * next command, with its mid, in the same store round trip; otherwise the change alone, then a pump as
   * usual (which waits for the take under way, or finds the device unreachable).
   */
  private async endThenPump(session: Session, change: EndingChange): Promise<void> {
    if (this.takeUnderWay(session) || !this.mayTake(session)) {
      await this.transition(change(BRIEF));
      this.pump(session);
      return;
    }
    session.pumping = true;
    const taking = this.transition(change({ brief: true, thenTakeNext: { mids: this.mids } }));
    await this.runPump(
      session,
      taking.then((outcome) => outcome?.next),
    );
  }

  /**
   * The store has commands of this device in flight that this replica is not waiting for: write them
   * again, oldest first, with their mids (see the file comment).
   */
  private async recover(session: Session): Promise<void> {
    const page = await this.deps.service.store.listQueue(session.ref, {}, { limit: RECOVERY_SCAN, offset: 0 });
    const stranded = page.items
      .filter((c) => (c.status === 'SENT' || c.status === 'DELIVERED') && !session.inflight.has(c.commandId))
      .sort((a, b) => (a.commandId < b.commandId ? -1 : 1));
    for (const command of stranded) await this.send(session, command, 'resend');
  }

  /**
   * Late and duplicate transitions are not errors (the core reports them as not applied). A failed one
   * (store unreachable) is logged: the command stays in flight and the sweeper ends it at its deadline.
   * Resolves with the outcome, or undefined when the change failed.
   */
  private async transition(change: Promise<TransitionOutcome>): Promise<TransitionOutcome | undefined> {
    try {
      const outcome = await change;
      if (!outcome.applied) this.deps.logger.debug({ outcome }, 'transition not applied');
      return outcome;
    } catch (err) {
      this.deps.logger.error({ err }, 'status change failed; the sweeper will end the command');
      return undefined;
    }
  }
}

/**
 * The result of a command that can never reach its device: its codec cannot encode it, or the encoded
 * command does not fit one CoAP message (no block-wise transfer). Undefined for any other error.
 */
function undeliverable(error: unknown): { error: string; message: string } | undefined {
  if (error instanceof CodecError) return { error: 'CODEC', message: error.message };
  if (error instanceof MessageTooLargeError) return { error: 'TOO_LARGE', message: error.message };
  return undefined;
}
