/**
 * Command downlink: LwM2M Write `CON PUT /19/1/0` (object 19 "BinaryAppDataContainer", instance 1 =
 * downstream, as IoTDA). DELIVERED means the device acknowledged the CON (empty ACK or a 2.xx answer);
 * a 4.xx/5.xx answer or a RST is a rejection; nothing within MAX_TRANSMIT_WAIT is a timeout.
 */
import type { EncodedCommand } from '../codecs/codec.js';
import type { CoapEndpoint } from '../endpoint.js';
import { stringOptions, uintOption, uintValue } from '../transport/coap-options.js';
import type { Peer } from '../transport/coap-transport.js';

const DOWNLINK_SEGMENTS = ['19', '1', '0'];

export interface WriteCallbacks {
  onDelivered(): void;
  /** A piggy-backed answer with a payload: devices that answer the write with their result at once. */
  onAnswer(payload: Buffer, contentFormat: number | undefined): void;
  onRejected(code: string): void;
  onNoAck(): void;
}

/** Sends the write; returns a function that stops it (retransmissions, pending answer). */
export function writeCommand(
  endpoint: CoapEndpoint,
  target: Peer,
  encoded: EncodedCommand,
  callbacks: WriteCallbacks,
): () => void {
  let acknowledged = false;
  const acknowledge = (): void => {
    if (acknowledged) return;
    acknowledged = true;
    callbacks.onDelivered();
  };
  return endpoint.request(
    target,
    {
      code: 'PUT',
      options: [...stringOptions('Uri-Path', DOWNLINK_SEGMENTS), uintOption('Content-Format', encoded.contentFormat)],
      payload: encoded.payload,
    },
    (response) => {
      // Nothing by MAX_TRANSMIT_WAIT: no ACK ever came, or (after an empty ACK) no separate answer,
      // which a device owes nobody: its result comes as a notification.
      if (!response) {
        if (!acknowledged) callbacks.onNoAck();
        return;
      }
      if (response.reset) {
        callbacks.onRejected('RST');
        return;
      }
      if (response.code.startsWith('2.')) {
        acknowledge();
        if (response.payload.length > 0) callbacks.onAnswer(response.payload, uintValue(response, 'Content-Format'));
        return;
      }
      callbacks.onRejected(response.code);
    },
    { onAck: acknowledge },
  );
}
