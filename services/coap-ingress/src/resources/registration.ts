/**
 * The LwM2M 1.0 registration interface (OMA-TS-LightweightM2M-V1_0 §5.3, §8.2.3):
 *   register    POST   /rd?ep=<node_id>&lt=<s>&lwm2m=1.0&b=U|UQ   → 2.01 Created, Location-Path rd/<id>
 *   update      POST   /rd/<id>[?lt=<s>&b=U|UQ]                   → 2.04 Changed
 *   de-register DELETE /rd/<id>                                   → 2.02 Deleted
 * The endpoint name is the device's node_id (IoTDA: `/rd?ep={nodeId}`); only provisioned devices may
 * register (4.03 otherwise): the store checks the device in the same round trip that stores the
 * registration and the device's presence. The registration is stored first, then answered, so a device
 * that got its 2.01 is known to every replica.
 */
import {
  BINDINGS,
  type Binding,
  type DeviceRef,
  type DeviceRegistered,
  LIMITS,
  type NewRegistration,
  type PresenceRequest,
  type Registration,
  type RegistrationStore,
  type RegistrationUpdate,
  type TakeNextResult,
  type WakeUpTake,
} from '@snooze/core';
import { CoapError } from '../coap-errors.js';
import { CONTENT_FORMAT } from '../codecs/content-format.js';
import type { FoundDevice } from '../device-directory.js';
import type { CoapRequest, Handled } from '../endpoint.js';
import { parseLinkFormat } from '../link-format.js';
import { stringOptions } from '../transport/coap-options.js';

export const REGISTRATION_PATH = 'rd';

/**
 * What happens around the store: the ingress's sessions, presence and delivery. Each returns what to do
 * once the device has its answer (observe, deliver), so that the answer goes out first.
 */
export type FollowUp = () => void;

/**
 * A wake-up's first take, claimed for the device before its registration or update so that the store
 * takes its next command in the same round trip (RegistrationStore.registerDevice, updateThenTake).
 */
export interface TakeClaim {
  take: WakeUpTake;
  /** The update failed, or took nothing for this device: the claim is given back. */
  release(): void;
}

export interface RegistrationEvents {
  /** `next`: what the registration took for the device with a claim. */
  registered(
    registration: Registration,
    replaced: Registration | undefined,
    at: number,
    next?: TakeNextResult,
  ): Promise<FollowUp>;
  /** Undefined when no take may go with this registration (a delivery to the device is under way). */
  claimDeviceTake(device: DeviceRef): TakeClaim | undefined;
  /** Undefined when no take may go with this update (unknown here, or a delivery under way). */
  claimTake(registrationId: string): TakeClaim | undefined;
  /** `next`: what the update took for the device with a claim. */
  updated(registration: Registration, at: number, next?: TakeNextResult): Promise<FollowUp>;
  deregistered(registration: Registration): Promise<void>;
}

export interface RegistrationDeps {
  ingressId: string;
  defaultLifetimeS: number;
  registrations: RegistrationStore;
  /** Register and update also set the device's presence (awake at this ingress), in the same unit. */
  presence: PresenceRequest;
  /** node_id → device (the DeviceDirectory): maybe stale, the registration checks it. */
  devices: {
    find(nodeId: string): Promise<FoundDevice | undefined>;
    forget(nodeId: string): void;
  };
  events: RegistrationEvents;
}

/** lt is a 32-bit unsigned number of seconds in LwM2M; zero would end the registration at once. */
const MAX_LIFETIME_S = 0xffff_ffff;
const LWM2M_VERSION = /^1\.[01](\.\d+)?$/;

interface Query {
  ep?: string;
  lt?: number;
  b?: Binding;
  lwm2m?: string;
}

export async function handleRegistration(deps: RegistrationDeps, req: CoapRequest): Promise<Handled> {
  const [, registrationId, extra] = req.path;
  if (extra !== undefined) throw new CoapError('NOT_FOUND', 'No such resource.');
  if (registrationId === undefined) {
    if (req.method !== 'POST') throw new CoapError('METHOD_NOT_ALLOWED', 'Register with POST /rd.');
    return register(deps, req);
  }
  if (req.method === 'POST') return update(deps, req, registrationId);
  if (req.method === 'DELETE') return deregister(deps, registrationId);
  throw new CoapError('METHOD_NOT_ALLOWED', 'Update with POST, de-register with DELETE.');
}

async function register(deps: RegistrationDeps, req: CoapRequest): Promise<Handled> {
  const query = parseQuery(req.query);
  checkObjectLinks(req);
  const nodeId = query.ep;
  if (!nodeId) throw new CoapError('BAD_REQUEST', 'The endpoint name (ep) is required.');
  const now = Date.now();
  const input: Omit<NewRegistration, 'projectId' | 'deviceId' | 'productId'> = {
    nodeId,
    address: req.peer.address,
    port: req.peer.port,
    binding: query.b ?? 'U',
    lifetimeS: query.lt ?? deps.defaultLifetimeS,
    lwm2m: query.lwm2m ?? '1.0',
    ingressId: deps.ingressId,
    registeredAt: now,
  };
  const made = await registerProvisioned(deps, input);
  if (!made) throw new CoapError('FORBIDDEN', 'Unknown endpoint.');
  const { registration, replaced, next } = made;
  return {
    response: {
      code: '2.01',
      options: stringOptions('Location-Path', [REGISTRATION_PATH, registration.registrationId]),
    },
    followUp: await deps.events.registered(registration, replaced, now, next),
  };
}

/**
 * The device of the endpoint name, registered, its first command taken with it when no delivery to it
 * is under way; a cached answer the store refuses is looked up again once.
 */
async function registerProvisioned(
  deps: RegistrationDeps,
  input: Omit<NewRegistration, 'projectId' | 'deviceId' | 'productId'>,
): Promise<DeviceRegistered | undefined> {
  for (;;) {
    const found = await deps.devices.find(input.nodeId);
    if (!found) return undefined;
    const made = await withTakeClaim(deps.events.claimDeviceTake(found.ref), (take) =>
      deps.registrations.registerDevice({ ...found.ref, ...input }, { presence: deps.presence }, take),
    );
    if (made) return made;
    deps.devices.forget(input.nodeId);
    if (!found.cached) return undefined;
  }
}

/** Runs a store call with the claim's take, if any; the claim is given back unless the call took with it. */
async function withTakeClaim<T extends { next?: TakeNextResult }>(
  claim: TakeClaim | undefined,
  call: (take: WakeUpTake | undefined) => Promise<T | undefined>,
): Promise<T | undefined> {
  let done: T | undefined;
  try {
    done = await call(claim?.take);
  } finally {
    if (claim && !done?.next) claim.release();
  }
  return done;
}

async function update(deps: RegistrationDeps, req: CoapRequest, registrationId: string): Promise<Handled> {
  const query = parseQuery(req.query);
  checkObjectLinks(req);
  const now = Date.now();
  // NAT rebinding: the device may come back from another address or port; it is reachable there now.
  const changes: RegistrationUpdate = {
    address: req.peer.address,
    port: req.peer.port,
    ingressId: deps.ingressId,
    ...(query.lt !== undefined ? { lifetimeS: query.lt } : {}),
    ...(query.b !== undefined ? { binding: query.b } : {}),
  };
  const options = { presence: deps.presence };
  const updated = await withTakeClaim(deps.events.claimTake(registrationId), async (take) => {
    if (take) return deps.registrations.updateThenTake(registrationId, changes, now, options, take);
    const registration = await deps.registrations.update(registrationId, changes, now, options);
    return registration && { registration };
  });
  if (!updated) throw new CoapError('NOT_FOUND', 'No such registration.');
  return { response: { code: '2.04' }, followUp: await deps.events.updated(updated.registration, now, updated.next) };
}

async function deregister(deps: RegistrationDeps, registrationId: string): Promise<Handled> {
  const registration = await deps.registrations.remove(registrationId);
  if (!registration) throw new CoapError('NOT_FOUND', 'No such registration.');
  await deps.events.deregistered(registration);
  return { response: { code: '2.02' } };
}

/** The query of a register or update; unknown parameters (sms, Q) are ignored as LwM2M allows. */
function parseQuery(raw: string): Query {
  const params = new URLSearchParams(raw);
  const query: Query = {};
  const ep = params.get('ep');
  if (ep !== null) {
    if (ep.length === 0 || ep.length > LIMITS.nodeIdMaxLength) throw new CoapError('BAD_REQUEST', 'Invalid ep.');
    query.ep = ep;
  }
  const lt = params.get('lt');
  if (lt !== null) {
    const seconds = /^\d{1,10}$/.test(lt) ? Number(lt) : Number.NaN;
    if (!(seconds >= 1 && seconds <= MAX_LIFETIME_S)) throw new CoapError('BAD_REQUEST', 'Invalid lt.');
    query.lt = seconds;
  }
  const b = params.get('b');
  if (b !== null) {
    if (!(BINDINGS as readonly string[]).includes(b)) throw new CoapError('BAD_REQUEST', 'Binding must be U or UQ.');
    query.b = b as Binding;
  }
  const lwm2m = params.get('lwm2m');
  if (lwm2m !== null) {
    if (!LWM2M_VERSION.test(lwm2m)) throw new CoapError('BAD_REQUEST', 'Unsupported lwm2m version.');
    query.lwm2m = lwm2m;
  }
  return query;
}

/** The payload lists the device's objects in link format (Content-Format 40) or is empty. */
function checkObjectLinks(req: CoapRequest): void {
  if (req.payload.length === 0) return;
  const format = req.contentFormat;
  if (format !== undefined && format !== CONTENT_FORMAT.linkFormat) {
    throw new CoapError('UNSUPPORTED_CONTENT_FORMAT', 'Object links must be application/link-format.');
  }
  if (parseLinkFormat(req.payload.toString('utf8')) === undefined) {
    throw new CoapError('BAD_REQUEST', 'Object links are not valid link format.');
  }
}
