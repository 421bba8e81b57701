/**
 * What no CoAP peer may send, told from the 4-byte header alone, before the message layer parses it:
 * dropped, or rejected with an RST when it is confirmable.
 */
import type { RemoteInfo, Socket } from 'node:dgram';

/** RFC 7252 §3: message types. */
const CON = 0;

export type Datagram = { message: Buffer; rinfo: RemoteInfo };
export type Route = 'request' | 'response' | 'malformed';

/** The route of a datagram from its header alone (RFC 7252 §3, §4.2, §12.1). */
export function routeOf(message: Buffer): Route {
  if (message.length < 4) return 'malformed';
  const first = message[0] as number;
  if (first >> 6 !== 1 || (first & 0x0f) > 8 || message.length < 4 + (first & 0x0f)) return 'malformed';
  const code = message[1] as number;
  const codeClass = code >> 5;
  const type = (first >> 4) & 0x03;
  if (codeClass === 0 && code !== 0) return type <= 1 ? 'request' : 'malformed';
  if (code === 0 || (codeClass >= 2 && codeClass <= 5)) return 'response';
  return 'malformed';
}

/**
 * RFC 7252 §4.2: a CON that cannot be processed is rejected with a RST carrying its message id. A
 * version other than 1 is silently ignored (§3), as is anything shorter than a header.
 */
export function rejectIfConfirmable(socket: Socket, message: Buffer, rinfo: { address: string; port: number }): void {
  if (message.length < 4) return;
  const first = message[0] as number;
  if (first >> 6 !== 1 || ((first >> 4) & 0x03) !== CON) return;
  const reset = Buffer.of(0x70, 0x00, message[2] as number, message[3] as number);
  socket.send(reset, rinfo.port, rinfo.address);
}
