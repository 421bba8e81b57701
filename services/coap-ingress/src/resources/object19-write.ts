/**
 * Command downlink: LwM2M Write `CON PUT /19/1/0` (object 19 "BinaryAppDataContainer", instance 1 =
 * downstream, as IoTDA). DELIVERED means the device acknowledged the CON (empty ACK or a 2.xx answer);
 * a 4.xx/5.xx answer or a RST is a rejection; nothing within MAX_TRANSMIT_WAIT is a timeout.
 */
import type { IncomingMessage } from 'coap';
import type { EncodedCommand } from '../codecs/codec.js';
import { contentFormatOf } from '../codecs/content-format.js';
import type { CoapEndpoint } from '../endpoint.js';

export const DOWNLINK_PATH = '/19/1/0';

export interface WriteTarget {
  address: string;
  port: number;
}

export interface WriteCallbacks {
  onDelivered(): void;
  /** A piggy-backed answer with a payload: devices that answer the write with their result at once. */
  onAnswer(payload: Buffer, contentFormat: number | undefined): void;
  onRejected(code: string): void;
  onNoAck(): void;
}

export interface WriteTiming {
  maxRetransmit: number;
  /** MAX_TRANSMIT_WAIT: give up this long after the first transmission. */
  giveUpMs: number;
}

/** Sends the write; returns a function that stops it (retransmissions, pending answer). */
export function writeCommand(
  endpoint: CoapEndpoint,
  target: WriteTarget,
  encoded: EncodedCommand,
  timing: WriteTiming,
  callbacks: WriteCallbacks,
): () => void {
  const req = endpoint.request({
    hostname: target.address,
    port: target.port,
    method: 'PUT',
    pathname: DOWNLINK_PATH,
    confirmable: true,
    retrySend: timing.maxRetransmit,
    options: { 'Content-Format': encoded.contentFormat },
  });
  let acknowledged = false;
  let answered = false;
  const acknowledge = (): void => {
    if (acknowledged) return;
    acknowledged = true;
    clearTimeout(giveUp);
    callbacks.onDelivered();
  };
  const giveUp = setTimeout(() => {
    if (acknowledged || answered) return;
    answered = true;
    stop();
    callbacks.onNoAck();
  }, timing.giveUpMs);
  req.on('response', (res: IncomingMessage) => {
    if (answered) return;
    answered = true;
    clearTimeout(giveUp);
    endpoint.unwatchAck(messageId);
    const code = res.code;
    if (code.startsWith('2.')) {
      acknowledge();
      if (res.payload.length > 0) callbacks.onAnswer(res.payload, contentFormatOf(res.headers['Content-Format']));
    } else {
      callbacks.onRejected(code === '0.00' ? 'RST' : code);
    }
  });
  // Transport errors (a device's ICMP unreachable) are not answers: the give-up timer decides.
  req.on('error', () => {});
  req.on('timeout', () => {});
  req.end(encoded.payload);
  const messageId = req._packet.messageId ?? -1;
  // An empty ACK is consumed by node-coap without an event; the endpoint tells us about it.
  endpoint.watchAck(messageId, (reset) => {
    if (!reset) acknowledge();
  });
  function stop(): void {
    clearTimeout(giveUp);
    endpoint.unwatchAck(messageId);
    // Only a request still waiting may be aborted: aborting an answered one corrupts the Agent's counts.
    if (!answered) endpoint.agent.abort(req);
    answered = true;
  }
  return stop;
}
