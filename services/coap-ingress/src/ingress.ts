/**
 * One ingress replica assembled: the CoAP endpoint, the registration interface, the sessions of the
 * devices registered here, delivery, presence and hand-offs.
 */
import {
  type CommandRef,
  type CommandService,
  type DeviceRef,
  openRegistrations,
  type Registration,
  type RegistrationStore,
  type Runtime,
  type TakeNextResult,
} from '@snooze/core';
import { type Logger, pino } from 'pino';
import type { Registry } from 'prom-client';
import { CoapError } from './coap-errors.js';
import { maxTransmitWaitMs } from './coap-timing.js';
import type { Codec } from './codecs/codec.js';
import { codecFor, parseCodecMap } from './codecs/registry.js';
import { type IngressConfig, loadIngressConfig } from './config.js';
import { Delivery } from './delivery.js';
import { DeviceDirectory } from './device-directory.js';
import { CoapEndpoint } from './endpoint.js';
import { createIngressMetrics, type IngressMetrics } from './metrics.js';
import { DEDUPE_WINDOW_MS, piggybackWindowMs } from './parameters.js';
import { type Presence, presenceFor } from './presence.js';
import { observeUplink } from './resources/observe-uplink.js';
import {
  type FollowUp,
  handleRegistration,
  REGISTRATION_PATH,
  type RegistrationDeps,
  type RegistrationEvents,
  type TakeClaim,
} from './resources/registration.js';
import { Session, SessionTable } from './sessions.js';

export interface IngressOptions {
  runtime: Runtime;
  /** The command service the dispatcher uses (same store and delivery port as `runtime`). */
  service: CommandService;
  /** Overrides on top of the environment's configuration (tests pass ports and timings). */
  config?: Partial<IngressConfig>;
  logger?: Logger;
  /** Defaults to the runtime's (memory or Redis); tests may share one between replicas. */
  registrations?: RegistrationStore;
  /** Registry for the ingress's metrics; `npm start` can pass the dispatcher's to serve both on one /metrics. */
  metricsRegistry?: Registry;
}

export interface IngressHandle {
  /** The UDP port actually bound (COAP_PORT 0 picks a free one). */
  port: number;
  ingressId: string;
  config: IngressConfig;
  metrics: IngressMetrics;
  /** For tests and health checks: devices registered here and observations held. */
  stats(): { sessions: number; observations: number };
  /** Stops taking datagrams and hand-offs, forgets its devices' presence. Leaves the runtime open. */
  close(): Promise<void>;
}

export function resolveConfig(overrides: Partial<IngressConfig> = {}): IngressConfig {
  const config = { ...loadIngressConfig(), ...overrides };
  if (overrides.timing && overrides.piggybackMs === undefined) config.piggybackMs = piggybackWindowMs(config.timing);
  return config;
}

export async function startIngress(options: IngressOptions): Promise<IngressHandle> {
  const config = resolveConfig(options.config);
  const logger = options.logger ?? pino({ name: 'coap-ingress', level: config.logLevel });
  if (maxTransmitWaitMs(config.timing) > options.service.ackTimeoutMs) {
    logger.warn(
      { maxTransmitWaitMs: maxTransmitWaitMs(config.timing), ackTimeoutMs: options.service.ackTimeoutMs },
      'CoAP gives up after the command ack deadline: the sweeper will time commands out first',
    );
  }
  const ingress = new Ingress(options, config, logger);
  await ingress.start();
  let closing: Promise<void> | undefined;
  return {
    port: ingress.endpoint.port,
    ingressId: config.ingressId,
    config,
    metrics: ingress.metrics,
    stats: () => ingress.stats(),
    close: () => {
      closing ??= ingress.close();
      return closing;
    },
  };
}

class Ingress implements RegistrationEvents {
  readonly sessions = new SessionTable();
  readonly metrics: IngressMetrics;
  endpoint!: CoapEndpoint;
  private delivery!: Delivery;
  private stopHandOffs: (() => Promise<void>) | undefined;
  private readonly registrations: RegistrationStore;
  private readonly presence: Presence;
  private readonly codecs: Map<string, Codec>;
  private readonly directory: DeviceDirectory;

  constructor(
    private readonly options: IngressOptions,
    private readonly config: IngressConfig,
    private readonly logger: Logger,
  ) {
    this.codecs = parseCodecMap(config.codecs);
    this.registrations = options.registrations ?? openRegistrations(options.runtime);
    this.presence = presenceFor(options.runtime, config.ingressId);
    this.directory = new DeviceDirectory(options.service, config.deviceCacheMs);
    this.metrics = createIngressMetrics(
      { sessions: () => this.sessions.size, observations: () => this.stats().observations },
      options.metricsRegistry,
    );
  }

  async start(): Promise<void> {
    const { config, metrics, logger } = this;
    const registrationDeps: RegistrationDeps = {
      ingressId: config.ingressId,
      defaultLifetimeS: config.defaultLifetimeS,
      registrations: this.registrations,
      presence: { queueModeAwakeMs: config.queueModeAwakeMs },
      devices: this.directory,
      events: this,
    };
    this.endpoint = await CoapEndpoint.open({
      host: config.host,
      port: config.port,
      piggybackMs: config.piggybackMs,
      recvBufferBytes: config.recvBufferBytes,
      dedupeWindowMs: DEDUPE_WINDOW_MS,
      timing: config.timing,
      handler: async (req) => {
        if (req.path[0] !== REGISTRATION_PATH) throw new CoapError('NOT_FOUND', 'No such resource.');
        return handleRegistration(registrationDeps, req);
      },
      onMalformed: ({ rinfo }) => {
        metrics.malformed.inc();
        logger.debug({ from: `${rinfo.address}:${rinfo.port}` }, 'malformed datagram dropped');
      },
      onDuplicate: () => metrics.duplicates.inc(),
      onRejected: (response, cause, req) => {
        metrics.rejected.inc({ code: response.code });
        const url = `/${req.path.join('/')}${req.query ? `?${req.query}` : ''}`;
        const context = { code: response.code, url, from: `${req.peer.address}:${req.peer.port}` };
        // A device's mistake is routine (debug); a 5.xx is ours and carries the cause.
        if (response.code.startsWith('5')) logger.error({ ...context, err: cause }, 'request failed');
        else logger.debug({ ...context, reason: response.message }, 'request rejected');
      },
    });
    this.delivery = new Delivery({
      service: this.options.service,
      registrations: this.registrations,
      endpoint: this.endpoint,
      presence: this.presence,
      sessions: this.sessions,
      metrics,
      logger,
      queueModeAwakeMs: config.queueModeAwakeMs,
      adopt: (ref) => this.adopt(ref),
    });
    this.stopHandOffs = await this.presence.listen((handOff) => {
      this.delivery.onHandOff(handOff).catch((err) => logger.error({ err }, 'hand-off failed'));
    });
    logger.info(
      { port: this.endpoint.port, ingress_id: config.ingressId, store: this.options.runtime.mode },
      'coap ingress listening',
    );
  }

  stats(): { sessions: number; observations: number } {
    let observations = 0;
    for (const session of this.sessions.all()) if (session.observation) observations++;
    return { sessions: this.sessions.size, observations };
  }

  async registered(
    registration: Registration,
    replaced: Registration | undefined,
    at: number,
    next?: TakeNextResult,
  ): Promise<FollowUp> {
    const moved = this.moved(registration);
    const session = this.attach(registration, replaced?.registrationId);
    this.metrics.registrations.inc({ op: 'register' });
    return () => {
      // A device that registers anew (a reboot, a new network attach) has forgotten its observers.
      this.observe(session);
      if (moved) this.delivery.abandon(session);
      this.delivery.wake(session, at, false, next);
    };
  }

  claimDeviceTake(device: DeviceRef): TakeClaim | undefined {
    return this.delivery.claimFirstTake(device);
  }

  claimTake(registrationId: string): TakeClaim | undefined {
    const session = this.sessions.byRegistrationId(registrationId);
    return session && this.delivery.claimFirstTake(session.ref);
  }

  async updated(registration: Registration, at: number, next?: TakeNextResult): Promise<FollowUp> {
    const moved = this.moved(registration);
    const session = this.attach(registration, registration.registrationId);
    this.metrics.registrations.inc({ op: 'update' });
    return () => {
      // From a new address (NAT rebinding, a new attach) the device may have lost our observation.
      if (moved || !session.observation) this.observe(session);
      if (moved) this.delivery.abandon(session);
      this.delivery.wake(session, at, false, next);
    };
  }

  async deregistered(registration: Registration): Promise<void> {
    await this.presence.asleep(registration);
    const session = this.sessions.get(registration);
    if (session?.registration.registrationId === registration.registrationId) this.end(session);
    this.metrics.registrations.inc({ op: 'deregister' });
  }

  async close(): Promise<void> {
    await this.stopHandOffs?.();
    const sessions = [...this.sessions.all()];
    for (const session of sessions) {
      this.delivery.abandon(session);
      this.end(session);
    }
    // Immediate commands for these devices now fail at once instead of going to a replica that is gone.
    await Promise.all(sessions.map((s) => this.presence.asleep(s.ref).catch(() => {})));
    await this.endpoint.close();
  }

  /**
   * The device now speaks from another address than the one this replica writes to. Writes in flight
   * there are abandoned; the wake-up that follows writes them again to the new address with their mids
   * (recovery in delivery.ts), rather than retransmitting into the void until they time out.
   */
  private moved(registration: Registration): boolean {
    const before = this.sessions.get(registration)?.registration;
    return before !== undefined && (before.address !== registration.address || before.port !== registration.port);
  }

  /** The session of a registration, made or refreshed, its lifetime timer restarted. */
  private attach(registration: Registration, previousRegistrationId: string | undefined): Session {
    const session =
      this.sessions.get(registration) ?? new Session(registration, codecFor(this.codecs, registration.productId));
    const previous = previousRegistrationId ?? session.registration.registrationId;
    session.registration = registration;
    this.sessions.put(session, previous === registration.registrationId ? undefined : previous);
    this.armLifetime(session);
    return session;
  }

  /** A hand-off for a device this replica holds in the store but not in memory (it restarted). */
  private async adopt(ref: DeviceRef | CommandRef): Promise<Session | undefined> {
    const registration = await this.registrations.get(ref);
    if (!registration || registration.ingressId !== this.config.ingressId) return undefined;
    const session = this.attach(registration, undefined);
    this.observe(session);
    session.awakeUntil = registration.updatedAt + this.config.queueModeAwakeMs;
    return session;
  }

  private observe(session: Session): void {
    session.observation?.close();
    const { address, port } = session.registration;
    const observation = observeUplink(
      this.endpoint,
      { address, port },
      {
        onNotification: (payload, contentFormat) => this.delivery.onUplink(session, payload, contentFormat),
        onFailed: (reason) => {
          if (session.observation === observation) session.observation = undefined;
          this.logger.warn({ device_id: session.ref.deviceId, reason }, 'observing /19/0/0 failed');
        },
      },
    );
    session.observation = observation;
  }

  /** Forgets the device here: observation, timers. Commands in flight keep their own timers. */
  private end(session: Session): void {
    session.observation?.close();
    session.observation = undefined;
    clearTimeout(session.lifetimeTimer);
    this.sessions.delete(session);
  }

  /** The registration ends `lifetimeS` after its last register/update unless renewed meanwhile. */
  private armLifetime(session: Session): void {
    clearTimeout(session.lifetimeTimer);
    const { updatedAt, lifetimeS } = session.registration;
    const left = updatedAt + lifetimeS * 1000 - Date.now();
    // setTimeout holds at most 2³¹−1 ms (~24.8 days); longer lifetimes re-arm on the way.
    session.lifetimeTimer = setTimeout(
      () => {
        const current = session.registration;
        if (current.updatedAt + current.lifetimeS * 1000 > Date.now()) {
          this.armLifetime(session);
          return;
        }
        this.logger.debug({ device_id: session.ref.deviceId }, 'registration lifetime ended');
        this.end(session);
        this.presence.asleep(session.ref).catch(() => {});
      },
      Math.min(Math.max(left, 0), 2 ** 31 - 1),
    );
    session.lifetimeTimer.unref();
  }
}
