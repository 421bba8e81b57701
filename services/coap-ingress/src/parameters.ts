/**
 * The ingress's CoAP timing: its NB-IoT choices on top of RFC 7252's model (coap-timing.ts). Every time
 * the ingress waits for a device comes from here.
 */
import { type CoapTiming, maxTransmitSpanMs, maxTransmitWaitMs, RFC7252_TIMING } from './coap-timing.js';

/**
 * RFC 7252's ACK_TIMEOUT 2 s and ACK_RANDOM_FACTOR 1.5, but MAX_RETRANSMIT 2 instead of 4: the
 * give-up time (MAX_TRANSMIT_WAIT, coap-timing.ts) is then 2 × (2³ − 1) × 1.5 = 21 s, inside the core's ack
 * deadline of a SENT command (CORE_DEFAULTS.ackTimeoutMs, 30 s). With 4 it would be 93 s, and the
 * sweeper would end the command in TIMEOUT while CoAP was still retransmitting it.
 */
export const NB_IOT_TIMING: CoapTiming = { ackTimeoutMs: 2_000, ackRandomFactor: 1.5, maxRetransmit: 2 };

/** LwM2M 1.0 §5.3.1: a registration without `lt` lives 86 400 s. */
export const DEFAULT_LIFETIME_S = 86_400;

/**
 * How long a request handler may take and still answer piggy-backed in the ACK: half of ACK_TIMEOUT,
 * so the answer is out before the device's first retransmission. A slower answer would cost an empty
 * ACK plus a separate CON response, two more radio transmissions on NB-IoT.
 */
export function piggybackWindowMs(t: CoapTiming): number {
  return Math.floor(t.ackTimeoutMs / 2);
}

/**
 * LwM2M queue mode (binding UQ): the device listens for MAX_TRANSMIT_WAIT after its own last message,
 * with RFC 7252's defaults 2 s × (2⁵ − 1) × 1.5 = 93 s (Leshan's default awake time too).
 */
export const QUEUE_MODE_AWAKE_MS = maxTransmitWaitMs(RFC7252_TIMING);

/**
 * A queue-mode device's presence is extended after each of its messages, but at most once per this
 * slack: a tenth of the awake window, and no more than 2 s (2 % of the default 93 s window).
 */
export function presenceRefreshSlackMs(queueModeAwakeMs: number): number {
  return Math.min(2_000, queueModeAwakeMs / 10);
}

/**
 * A write's acknowledgement (DELIVERED) is recorded this long after it arrived, unless the device's
 * result comes first: most devices answer as soon as they acknowledge, and the result then records both
 * in one store round trip. The store shows DELIVERED (and its notification goes out) at most this late.
 */
export const DELIVERED_HOLD_MS = 50;

/**
 * A device retransmits a request for up to its MAX_TRANSMIT_SPAN (45 s with RFC 7252's defaults): the
 * ingress remembers request message ids at least that long to process each request once.
 */
export const DEDUPE_WINDOW_MS = maxTransmitSpanMs(RFC7252_TIMING);
