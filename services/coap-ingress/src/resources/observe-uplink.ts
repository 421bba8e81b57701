/**
 * Uplink: the ingress observes `/19/0/0` (object 19 instance 0 = upstream) right after a device
 * registers, with `GET` + `Observe: 0` sent from the listening port; every notification on that
 * observation (2.05, CON or NON, the observe's token) is a device message: a command result or data.
 * The message layer acknowledges CON notifications and answers notifications of a closed observation
 * with RST, which tells the device to stop.
 */
import type { ParsedPacket } from 'coap-packet';
import type { CoapEndpoint } from '../endpoint.js';
import { stringOptions, uintOption, uintValue } from '../transport/coap-options.js';
import type { Peer } from '../transport/coap-transport.js';

const UPLINK_SEGMENTS = ['19', '0', '0'];

export interface Observation {
  /** Forgets the observation; later notifications on it are answered with RST. */
  close(): void;
}

export interface ObserveCallbacks {
  onNotification(payload: Buffer, contentFormat: number | undefined): void;
  onFailed(reason: string): void;
}

/**
 * RFC 7641 §3.4: a notification is fresh when its sequence number is ahead of the last one's (24-bit
 * serial arithmetic) or the last one is older than 128 s; a stale one arrived out of order and is dropped.
 */
class Freshness {
  private last: number | undefined;
  private lastAt = 0;

  accept(sequence: number, now: number): boolean {
    const ahead = this.last === undefined ? 1 : (sequence - this.last) & 0xffffff;
    if (!((ahead > 0 && ahead < 1 << 23) || now - this.lastAt > 128_000)) return false;
    this.last = sequence;
    this.lastAt = now;
    return true;
  }
}

export function observeUplink(endpoint: CoapEndpoint, target: Peer, callbacks: ObserveCallbacks): Observation {
  const freshness = new Freshness();
  let closed = false;
  const onResponse = (response: ParsedPacket | undefined): void => {
    if (closed) return;
    if (!response) {
      callbacks.onFailed('observe not answered');
      return;
    }
    const sequence = uintValue(response, 'Observe');
    if (response.reset || !response.code.startsWith('2.') || sequence === undefined) {
      closed = true;
      callbacks.onFailed(`observe answered ${response.reset ? 'RST' : response.code}`);
      return;
    }
    // Every item counts, the first too: it is normally the answer to the GET (the resource's current
    // value, empty when the device has reported nothing), but when that answer is lost the first one
    // that arrives is the next notification, which may carry a command result. A repeated old value
    // is harmless (data only wakes the queue; a result of a finished command changes nothing).
    if (!freshness.accept(sequence, Date.now()) || response.payload.length === 0) return;
    callbacks.onNotification(response.payload, uintValue(response, 'Content-Format'));
  };
  const stop = endpoint.observe(
    target,
    { code: 'GET', options: [uintOption('Observe', 0), ...stringOptions('Uri-Path', UPLINK_SEGMENTS)] },
    onResponse,
  );
  return {
    close() {
      closed = true;
      stop();
    },
  };
}
