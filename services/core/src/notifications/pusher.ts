import type { Channel, RuleAction } from '../rules/model.js';

export interface PushRequest {
  action: RuleAction;
  /** Stable id of the event: receivers drop duplicates by it. */
  eventId: string;
  /** The notification, serialized once; signatures are computed over exactly these bytes. */
  body: string;
  /** Aborted when the forwarder stops or loses the partition. */
  signal: AbortSignal;
}

export type PushOutcome =
  | { ok: true }
  /** `retryable`: a timeout, a connection error, a 5xx; otherwise retrying cannot help (a 4xx, a bad URL). */
  | { ok: false; retryable: boolean; reason: string };

/** Delivers notifications over one channel (HTTP, AMQP). Never throws: failures are outcomes. */
export interface Pusher {
  push(request: PushRequest): Promise<PushOutcome>;
  close(): Promise<void>;
}

export type Pushers = Partial<Record<Channel, Pusher>>;
