/**
 * Uplink: the ingress observes `/19/0/0` (object 19 instance 0 = upstream) right after a device
 * registers, with `GET` + `Observe: 0` sent from the listening port; every notification on that
 * observation (2.05, CON or NON, the observe's token) is a device message: a command result or data.
 * node-coap's Agent acknowledges CON notifications and answers notifications of a closed observation
 * with RST, which tells the device to stop.
 */
import type { IncomingMessage, ObserveReadStream } from 'coap';
import { contentFormatOf } from '../codecs/content-format.js';
import type { CoapEndpoint } from '../endpoint.js';
import type { WriteTarget } from './object19-write.js';

export const UPLINK_PATH = '/19/0/0';

export interface Observation {
  /** Forgets the observation; later notifications on it are answered with RST. */
  close(): void;
}

export interface ObserveCallbacks {
  onNotification(payload: Buffer, contentFormat: number | undefined): void;
  onFailed(reason: string): void;
}

export function observeUplink(endpoint: CoapEndpoint, target: WriteTarget, callbacks: ObserveCallbacks): Observation {
  const req = endpoint.request({
    hostname: target.address,
    port: target.port,
    method: 'GET',
    pathname: UPLINK_PATH,
    observe: true,
    confirmable: true,
  });
  let stream: ObserveReadStream | undefined;
  let answered = false;
  let closed = false;
  req.on('response', (res: IncomingMessage) => {
    answered = true;
    if (!res.code.startsWith('2.') || typeof (res as ObserveReadStream).close !== 'function') {
      callbacks.onFailed(`observe answered ${res.code}`);
      return;
    }
    const observeStream = res as ObserveReadStream;
    if (closed) {
      observeStream.close();
      return;
    }
    stream = observeStream;
    // Every item counts, the first too: it is normally the answer to the GET (the resource's current
    // value, empty when the device has reported nothing), but when that answer is lost the first item
    // node-coap hands over is the next notification, which may carry a command result. A repeated old
    // value is harmless (data only wakes the queue; a result of a finished command changes nothing).
    observeStream.on('data', (payload: Buffer) => {
      if (payload.length > 0)
        callbacks.onNotification(payload, contentFormatOf(observeStream.headers['Content-Format']));
    });
  });
  req.on('error', (error: Error) => callbacks.onFailed(error.message));
  req.on('timeout', () => callbacks.onFailed('observe not answered'));
  req.end();
  return {
    close() {
      if (closed) return;
      closed = true;
      if (stream) stream.close();
      else if (!answered) endpoint.agent.abort(req);
    },
  };
}
