/**
 * One UDP socket, two roles. An NB-IoT device behind NAT only hears the address and port it sent to,
 * so the ingress must send its own requests (observe, command writes) from its listening port. Device
 * requests go to node-coap's Server; responses and empty messages (ACK, RST) to the ingress's own
 * message layer (transport/coap-transport.ts). This demultiplexer reads the 4-byte header once, hands
 * each datagram to its role, and drops what is malformed before either sees it (node-coap's Server
 * would answer garbage with 5.00, to the wrong host).
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';

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

/** A socket as node-coap's Server sees it: requests only; sending goes to the shared socket. */
class ServerSocket extends EventEmitter {
  constructor(private readonly socket: Socket) {
    super();
  }

  send(...args: unknown[]): void {
    (this.socket.send as (...a: unknown[]) => void)(...args);
  }

  address(): ReturnType<Socket['address']> {
    return this.socket.address();
  }
}

export interface DemuxRoutes {
  /** Responses, ACKs and RSTs: the answers to the ingress's own requests. */
  onResponse(message: Buffer, rinfo: RemoteInfo): void;
  onMalformed(datagram: Datagram): void;
}

export interface Demux {
  /** Give to `server.listen(...)`. */
  readonly server: EventEmitter;
  close(): void;
}

export function createDemux(socket: Socket, routes: DemuxRoutes): Demux {
  const server = new ServerSocket(socket);
  const onMessage = (message: Buffer, rinfo: RemoteInfo): void => {
    const route = routeOf(message);
    if (route === 'request') server.emit('message', message, rinfo);
    else if (route === 'response') routes.onResponse(message, rinfo);
    else {
      routes.onMalformed({ message, rinfo });
      rejectIfConfirmable(socket, message, rinfo);
    }
  };
  const onError = (error: Error): void => {
    server.emit('error', error);
  };
  socket.on('message', onMessage);
  socket.on('error', onError);
  return {
    server,
    close: () => {
      socket.off('message', onMessage);
      socket.off('error', onError);
    },
  };
}

/**
 * RFC 7252 §4.2: a CON that cannot be processed is rejected with a RST carrying its message id. A
 * version other than 1 is silently ignored (§3), as is anything shorter than a header.
 */
function rejectIfConfirmable(socket: Socket, message: Buffer, rinfo: RemoteInfo): void {
  if (message.length < 4) return;
  const first = message[0] as number;
  if (first >> 6 !== 1 || ((first >> 4) & 0x03) !== CON) return;
  const reset = Buffer.of(0x70, 0x00, message[2] as number, message[3] as number);
  socket.send(reset, rinfo.port, rinfo.address);
}
