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
 */
import {
  type Command,
  type CommandRef,
  type CommandService,
  fnv1a32,
  MID_MAX,
  type RegistrationStore,
  type TransitionOutcome,
} from '@snooze/core';
import type { Logger } from 'pino';
import { CodecError, resultOf, type Uplink } from './codecs/codec.js';
import type { CoapEndpoint } from './endpoint.js';
import type { IngressMetrics, Outcome } from './metrics.js';
import type { HandOff, Presence } from './presence.js';
import { type WriteTiming, writeCommand } from './resources/object19-write.js';
import type { InFlight, Session, SessionTable } from './sessions.js';

export type SendReason = 'wake' | 'immediate' | 'resend';

export interface DeliveryDeps {
  service: CommandService;
  registrations: RegistrationStore;
  endpoint: CoapEndpoint;
  presence: Presence;
  sessions: SessionTable;
  metrics: IngressMetrics;
  logger: Logger;
  write: WriteTiming;
  queueModeAwakeMs: number;
  /** Finds or rebuilds the session of a device registered at this replica (hand-offs after a restart). */
  adopt(ref: CommandRef): Promise<Session | undefined>;
}

/** The queue of a device at most this long is scanned for commands in flight nobody waits for. */
const RECOVERY_SCAN = 50;

/** A stable first choice of mid per command; the registration store resolves collisions. */
export function candidateMid(commandId: string): number {
  return (fnv1a32(commandId) % MID_MAX) + 1;
}

export class Delivery {
  private readonly midTtlMs: number;

  constructor(private readonly deps: DeliveryDeps) {
    // A mid must outlive its command's time in flight (ack deadline + result deadline) with room to spare.
    this.midTtlMs = 2 * (deps.service.ackTimeoutMs + deps.service.resultTimeoutMs);
  }

  /** The device sent something: it is awake (queue mode window) and its queue may move. */
  wake(session: Session, now: number, refreshPresence: boolean): void {
    this.touch(session, now, refreshPresence);
    this.pump(session);
  }

  /** Queue mode: a device listens for a while after each of its messages. */
  private touch(session: Session, now: number, refreshPresence: boolean): void {
    session.wokeAt = now;
    if (session.queueMode) {
      session.awakeUntil = now + this.deps.queueModeAwakeMs;
      if (refreshPresence) {
        const ttl = Math.min(this.deps.queueModeAwakeMs, session.registration.lifetimeS * 1000);
        this.deps.presence
          .awake(session.ref, ttl)
          .catch((err) => this.deps.logger.warn({ err }, 'presence refresh failed'));
      }
    }
  }

  /** Takes the device's next command unless one is in flight; never runs twice at once per device. */
  pump(session: Session): void {
    if (session.pumping) {
      session.pumpAgain = true;
      return;
    }
    session.pumping = true;
    this.pumpRounds(session)
      .catch((err) => this.deps.logger.error({ err, device_id: session.ref.deviceId }, 'delivery failed'))
      .finally(() => {
        session.pumping = false;
      });
  }

  private async pumpRounds(session: Session): Promise<void> {
    do {
      session.pumpAgain = false;
      if (this.deps.sessions.get(session.ref) !== session || !session.reachable(Date.now())) return;
      const next = await this.deps.service.takeNext(session.ref);
      if (next.expired > 0) this.deps.metrics.expiredAtDequeue.inc(next.expired);
      if (next.command) await this.send(session, next.command, 'wake');
      else if (next.busy && session.inflight.size === 0) await this.recover(session);
    } while (session.pumpAgain);
  }

  /** Writes a SENT command to the device. */
  async send(session: Session, command: Command, reason: SendReason): Promise<void> {
    const { service, registrations, metrics } = this.deps;
    const ref: CommandRef = { ...session.ref, commandId: command.commandId };
    if (session.inflight.has(command.commandId)) return;
    const mid = await registrations.assignMid(
      session.ref,
      command.commandId,
      candidateMid(command.commandId),
      this.midTtlMs,
    );
    let encoded: ReturnType<Session['codec']['encode']>;
    try {
      encoded = session.codec.encode(command, mid);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      await this.transition(service.recordResult(ref, false, { error: 'CODEC', message: error.message }));
      metrics.outcomes.inc({ outcome: 'failed' });
      session.pumpAgain = true;
      return;
    }
    const entry: InFlight = { commandId: command.commandId, mid, stage: 'sent', sentAt: Date.now() };
    session.inflight.set(command.commandId, entry);
    metrics.commandsSent.inc({ reason });
    if (reason === 'wake' && session.wokeAt > 0) metrics.wakeToSend.observe((entry.sentAt - session.wokeAt) / 1000);
    const { address, port } = session.registration;
    entry.cancelWrite = writeCommand(this.deps.endpoint, { address, port }, encoded, this.deps.write, {
      onDelivered: () => {
        if (session.inflight.get(command.commandId) !== entry) return;
        entry.stage = 'delivered';
        metrics.outcomes.inc({ outcome: 'delivered' });
        void this.transition(service.markDelivered(ref));
        entry.resultTimer = setTimeout(() => {
          this.finish(session, entry, 'result_timeout', () => service.markTimedOut(ref));
        }, service.resultTimeoutMs);
        entry.resultTimer.unref();
      },
      onAnswer: (payload, contentFormat) => this.onUplink(session, payload, contentFormat),
      onRejected: (code) => this.finish(session, entry, 'rejected', () => service.recordResult(ref, false, { code })),
      onNoAck: () => this.finish(session, entry, 'ack_timeout', () => service.markTimedOut(ref)),
    });
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
      await this.finish(session, local, ok ? 'successful' : 'failed', () => service.recordResult(ref, ok, result));
      return;
    }
    // Written by another replica or before a restart: the stored mid still finds the command.
    const commandId = await registrations.commandOfMid(session.ref, uplink.mid);
    if (commandId !== undefined) {
      await this.transition(service.recordResult({ ...session.ref, commandId }, ok, result));
      metrics.outcomes.inc({ outcome: ok ? 'successful' : 'failed' });
    } else {
      this.deps.logger.info({ device_id: session.ref.deviceId, mid: uplink.mid }, 'result for an unknown mid ignored');
    }
    this.pump(session);
  }

  /** The dispatcher created an immediate command for a device it believes is registered here. */
  async onHandOff(handOff: HandOff): Promise<void> {
    const { service } = this.deps;
    const session = this.deps.sessions.get(handOff.ref) ?? (await this.deps.adopt(handOff.ref));
    if (!session?.reachable(Date.now())) {
      // As IoTDA: an immediate command that cannot reach its device fails at once.
      await this.transition(service.recordResult(handOff.ref, false, { error: 'DEVICE_UNREACHABLE' }));
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
    }
    session.inflight.clear();
  }

  private async finish(
    session: Session,
    entry: InFlight,
    outcome: Outcome,
    change: () => Promise<TransitionOutcome>,
  ): Promise<void> {
    if (session.inflight.get(entry.commandId) !== entry) return;
    session.inflight.delete(entry.commandId);
    entry.cancelWrite?.();
    clearTimeout(entry.resultTimer);
    this.deps.metrics.outcomes.inc({ outcome });
    await this.transition(change());
    this.pump(session);
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
   */
  private async transition(change: Promise<TransitionOutcome>): Promise<void> {
    try {
      const outcome = await change;
      if (!outcome.applied) this.deps.logger.debug({ outcome }, 'transition not applied');
    } catch (err) {
      this.deps.logger.error({ err }, 'status change failed; the sweeper will end the command');
    }
  }
}
