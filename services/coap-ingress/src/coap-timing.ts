/**
 * RFC 7252 §4.8 transmission parameters and their derived times: one model for both ends of the
 * protocol, the ingress (parameters.ts adds its NB-IoT choices) and the device simulator. No node-coap
 * here, so a CoAP stack of its own can use it without loading node-coap.
 */

export interface CoapTiming {
  /** ACK_TIMEOUT: first retransmission after ACK_TIMEOUT × [1, ACK_RANDOM_FACTOR]. */
  ackTimeoutMs: number;
  ackRandomFactor: number;
  /** MAX_RETRANSMIT: retransmissions of a CON before giving up. */
  maxRetransmit: number;
}

/** RFC 7252 §4.8 defaults: what devices in the field use, and what the ingress assumes of an unknown one. */
export const RFC7252_TIMING: CoapTiming = { ackTimeoutMs: 2_000, ackRandomFactor: 1.5, maxRetransmit: 4 };

/** MAX_LATENCY, RFC 7252 §4.8.2. */
const MAX_LATENCY_MS = 100_000;

/**
 * MAX_TRANSMIT_SPAN = ACK_TIMEOUT × (2^MAX_RETRANSMIT − 1) × ACK_RANDOM_FACTOR: from the first
 * transmission of a CON to its last retransmission. Also how long a peer may still retransmit a
 * request we have answered, hence the duplicate-detection window.
 */
export function maxTransmitSpanMs(t: CoapTiming): number {
  return t.ackTimeoutMs * (2 ** t.maxRetransmit - 1) * t.ackRandomFactor;
}

/**
 * MAX_TRANSMIT_WAIT = ACK_TIMEOUT × (2^(MAX_RETRANSMIT + 1) − 1) × ACK_RANDOM_FACTOR: from the first
 * transmission of a CON until the sender gives up waiting for its ACK.
 */
export function maxTransmitWaitMs(t: CoapTiming): number {
  return t.ackTimeoutMs * (2 ** (t.maxRetransmit + 1) - 1) * t.ackRandomFactor;
}

/** EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN + 2 × MAX_LATENCY + PROCESSING_DELAY (= ACK_TIMEOUT). */
export function exchangeLifetimeMs(t: CoapTiming): number {
  return maxTransmitSpanMs(t) + 2 * MAX_LATENCY_MS + t.ackTimeoutMs;
}
