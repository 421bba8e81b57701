/**
 * One UDP socket, two node-coap roles. An NB-IoT device behind NAT only hears the address and port it
 * sent to, so the ingress must send its own requests (observe, command writes) from its listening
 * port. node-coap's Server and Agent can share a socket, but each parses every datagram and answers
 * what it does not understand in its own way (the Server replies 5.00 to garbage, to the wrong host).
 * This demultiplexer reads the 4-byte header once and hands requests to the Server, responses and
 * empty messages to the Agent, and drops what is malformed before either sees it.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';

/** RFC 7252 §3: message types. */
const CON = 0;
const ACK = 2;

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

/** A socket as node-coap sees it: messages of one route only; sending goes to the shared socket. */
class RoleSocket extends EventEmitter {
  readonly type: string;

  constructor(private readonly socket: Socket) {
    super();
    // node-coap's Agent reads the socket type; dgram sockets have it at run time, untyped.
    this.type = (socket as unknown as { type?: string }).type ?? 'udp4';
  }

  send(...args: unknown[]): void {
    (this.socket.send as (...a: unknown[]) => void)(...args);
  }

  /** node-coap's Agent asks for it on every datagram; it never changes once bound (a syscall saved each time). */
  private bound: ReturnType<Socket['address']> | undefined;

  address(): ReturnType<Socket['address']> {
    this.bound ??= this.socket.address();
    return this.bound;
  }
}

/**
 * node-coap's Agent looks every incoming message up by message id first, whoever sent it, and only
 * then by token. Right for ACK and RST (they carry the id of our CON), wrong for a CON or NON response
 * (a notification): its message id is the device's own, and when it equals the id of any request the
 * Agent still has outstanding (to any device) the notification is routed there, fails the token check
 * and is dropped, after being acknowledged. With thousands of devices that is a fraction of a percent
 * to several percent of all command results. The guard hides such an entry while the Agent handles the
 * message, so matching falls through to the token (RFC 7252 §5.3.2).
 */
export type MessageIdGuard = (messageId: number) => (() => void) | undefined;

export interface Demux {
  /** Give to `server.listen(...)`. */
  readonly server: EventEmitter;
  /** Give to `new Agent({ socket })`. */
  readonly agent: EventEmitter;
  /** Set once the Agent exists (see MessageIdGuard). */
  guardMessageIds(guard: MessageIdGuard): void;
  /** Calls `onAck` once when the empty ACK (or RST) of our CON with this message id arrives. */
  watchAck(messageId: number, onAck: (reset: boolean) => void): void;
  unwatchAck(messageId: number): void;
  close(): void;
}

export function createDemux(socket: Socket, onMalformed: (datagram: Datagram) => void): Demux {
  const server = new RoleSocket(socket);
  const agent = new RoleSocket(socket);
  const ackWatchers = new Map<number, (reset: boolean) => void>();
  let guard: MessageIdGuard | undefined;
  const onMessage = (message: Buffer, rinfo: RemoteInfo): void => {
    const route = routeOf(message);
    if (route === 'request') {
      server.emit('message', message, rinfo);
      return;
    }
    if (route === 'malformed') {
      onMalformed({ message, rinfo });
      rejectIfConfirmable(socket, message, rinfo);
      return;
    }
    const type = ((message[0] as number) >> 4) & 0x03;
    if (message[1] === 0 && type >= ACK && ackWatchers.size > 0) {
      const messageId = message.readUInt16BE(2);
      const watcher = ackWatchers.get(messageId);
      if (watcher) {
        ackWatchers.delete(messageId);
        watcher(type !== ACK);
      }
    }
    if (type < ACK && guard) {
      const restore = guard(message.readUInt16BE(2));
      agent.emit('message', message, rinfo);
      restore?.();
      return;
    }
    agent.emit('message', message, rinfo);
  };
  const onError = (error: Error): void => {
    server.emit('error', error);
  };
  socket.on('message', onMessage);
  socket.on('error', onError);
  return {
    server,
    agent,
    guardMessageIds: (messageIdGuard) => {
      guard = messageIdGuard;
    },
    watchAck: (messageId, onAck) => ackWatchers.set(messageId, onAck),
    unwatchAck: (messageId) => ackWatchers.delete(messageId),
    close: () => {
      socket.off('message', onMessage);
      socket.off('error', onError);
      ackWatchers.clear();
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
