/**
 * The CoAP message layer (RFC 7252 §4, §5.3) of one simulated device, on its own UDP socket: message
 * ids and tokens, retransmission of confirmable messages with exponential backoff, acknowledgements,
 * deduplication of received confirmable messages, and requests matched to their responses,
 * piggy-backed or separate. The device's resources sit on top (`onRequest`).
 *
 * Leaner than node-coap's Agent and Server on purpose: no stream objects and no timers per answered
 * message, so that 10,000 devices in one process cost little CPU beside the system they test.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { type CoapTiming, exchangeLifetimeMs } from '@snooze/coap-ingress/coap-timing';
import { generate, type NamedOption, type Packet, type ParsedPacket, parse } from 'coap-packet';
import { ReplyCache } from './reply-cache.js';

export interface Peer {
  readonly address: string;
  readonly port: number;
}

export interface IncomingRequest {
  readonly packet: ParsedPacket;
  readonly peer: Peer;
}

export interface OutgoingMessage {
  code: string;
  token?: Buffer;
  options?: NamedOption[];
  payload?: Buffer;
  /** Normally the next id of this endpoint. */
  messageId?: number;
}

/** What became of a CON: the ACK or RST that answered it, or undefined once retransmission gave up. */
export type OnDelivery = (reply: ParsedPacket | undefined) => void;

export interface TransportHandlers {
  onRequest(request: IncomingRequest): void;
  /** An RST that answers none of our outstanding CONs: a peer refusing one of our NON messages. */
  onReset(messageId: number, peer: Peer): void;
}

const TOKEN_SPACE = 0x4000_0000;
const ACK = 2;
const RST = 3;

function emptyMessage(type: typeof ACK | typeof RST, messageId: number): Buffer {
  return Buffer.of(0x40 | (type << 4), 0, messageId >> 8, messageId & 0xff);
}

/** Our tokens are 4 bytes: a token of any other length is none of ours. */
function tokenKey(token: Buffer): number | undefined {
  return token.length === 4 ? token.readUInt32BE(0) : undefined;
}

interface Confirmable {
  datagram: Buffer;
  peer: Peer;
  retransmissions: number;
  waitMs: number;
  /** performance.now() after which no retransmission goes out (a request's deadline). */
  giveUpAt: number;
  timer: NodeJS.Timeout;
  onDelivery: OnDelivery | undefined;
}

interface PendingRequest {
  /** The id of its CON, while that is unsettled. */
  messageId: number | undefined;
  /** Only once the CON is settled: until then its retransmission timer watches the deadline too. */
  timer: NodeJS.Timeout | undefined;
  onAnswer: (response: ParsedPacket | undefined) => void;
}

const EMPTY = Buffer.alloc(0);

/** Every message handed to coap-packet has this one shape: no property added or retyped inside it. */
function toPacket(message: OutgoingMessage, messageId: number, type: 'con' | 'non' | 'ack'): Packet {
  return {
    code: message.code,
    token: message.token ?? EMPTY,
    options: message.options ?? [],
    payload: message.payload ?? EMPTY,
    messageId,
    confirmable: type === 'con',
    reset: false,
    ack: type === 'ack',
  };
}

export class CoapTransport {
  private readonly confirmables = new Map<number, Confirmable>();
  /** By token (tokenKey). */
  private readonly requests = new Map<number, PendingRequest>();
  private readonly replies: ReplyCache;
  private nextMessageId = randomInt(0x10000);
  /** Below 2³⁰ with its successors: a small integer to V8, not a heap number. */
  private nextToken = randomInt(TOKEN_SPACE);
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly timing: CoapTiming,
    private readonly handlers: TransportHandlers,
  ) {
    this.replies = new ReplyCache(exchangeLifetimeMs(timing));
    socket.on('message', (datagram: Buffer, peer: RemoteInfo) => this.receive(datagram, peer));
    // A datagram that could not be sent is a lost datagram: retransmission or the request timeout
    // deal with it, as with any loss on the radio.
    socket.on('error', () => {});
  }

  static async open(host: string, timing: CoapTiming, handlers: TransportHandlers): Promise<CoapTransport> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new CoapTransport(socket, socket.address().port, timing, handlers);
  }

  /**
   * A CON request. `onAnswer` gets the response (an RST too: code 0.00), or undefined when none came
   * within `timeoutMs`; retransmission stops then.
   */
  request(
    peer: Peer,
    message: OutgoingMessage,
    timeoutMs: number,
    onAnswer: (response: ParsedPacket | undefined) => void,
  ): void {
    const key = this.nextToken;
    this.nextToken = (key + 1) % TOKEN_SPACE;
    const token = Buffer.allocUnsafe(4);
    token.writeUInt32BE(key);
    const deadline = performance.now() + timeoutMs;
    const request: PendingRequest = { messageId: undefined, timer: undefined, onAnswer };
    this.requests.set(key, request);
    request.messageId = this.sendConfirmable(peer, { ...message, token }, deadline, (reply) => {
      request.messageId = undefined;
      if (reply?.reset || (reply && reply.code !== '0.00' && tokenKey(reply.token) === key)) this.settle(key, reply);
      // An empty ACK promises a separate response, matched by token when it comes; after a give-up
      // one may still come, until the deadline.
      else if (this.requests.get(key) === request)
        request.timer = setTimeout(this.expire, Math.max(0, deadline - performance.now()), key);
    });
  }

  /** Answers a request: piggy-backed on the ACK of a CON (kept for its retransmissions), or as a NON. */
  answer(request: IncomingRequest, reply: OutgoingMessage): void {
    const { packet, peer } = request;
    if (!packet.confirmable) {
      this.send(peer, { ...reply, token: packet.token }, false);
      return;
    }
    const datagram = generate(toPacket({ ...reply, token: packet.token }, packet.messageId, 'ack'));
    this.replies.set(peer, packet.messageId, packet.token, datagram);
    this.transmit(datagram, peer);
  }

  /** Sends a CON (retransmitted until ACK, RST or give-up; `onDelivery` tells which) or a NON; returns its id. */
  send(peer: Peer, message: OutgoingMessage, confirmable: boolean, onDelivery?: OnDelivery): number {
    if (confirmable) return this.sendConfirmable(peer, message, Number.POSITIVE_INFINITY, onDelivery);
    const messageId = message.messageId ?? this.takeMessageId();
    this.transmit(generate(toPacket(message, messageId, 'non')), peer);
    return messageId;
  }

  /**
   * Stops everything: no more datagrams, retransmissions or timeouts. Requests still waiting are
   * never answered, as with a device switched off.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const confirmable of this.confirmables.values()) clearTimeout(confirmable.timer);
    for (const request of this.requests.values()) if (request.timer) clearTimeout(request.timer);
    this.confirmables.clear();
    this.requests.clear();
    this.replies.clear();
    this.socket.close();
  }

  private sendConfirmable(peer: Peer, message: OutgoingMessage, giveUpAt: number, onDelivery?: OnDelivery): number {
    // A given id is the peer's (a held-back answer carries its request's): it must not displace a CON
    // of ours still waiting for its ACK under the same number.
    const messageId =
      message.messageId !== undefined && !this.confirmables.has(message.messageId)
        ? message.messageId
        : this.takeMessageId();
    const datagram = generate(toPacket(message, messageId, 'con'));
    if (this.closed) return messageId;
    const { ackTimeoutMs, ackRandomFactor } = this.timing;
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    const waitMs = Math.round(ackTimeoutMs * (1 + (ackRandomFactor - 1) * Math.random()));
    const timer = setTimeout(this.retransmit, Math.min(waitMs, giveUpAt - performance.now()), messageId);
    this.confirmables.set(messageId, { datagram, peer, retransmissions: 0, waitMs, giveUpAt, timer, onDelivery });
    this.transmit(datagram, peer);
    return messageId;
  }

  private takeMessageId(): number {
    const messageId = this.nextMessageId;
    this.nextMessageId = (messageId + 1) & 0xffff;
    return messageId;
  }

  private transmit(datagram: Buffer, peer: Peer): void {
    if (!this.closed) this.socket.send(datagram, peer.port, peer.address);
  }

  /** Timer callbacks are bound once: no closure per message. */
  private readonly retransmit = (messageId: number): void => {
    const confirmable = this.confirmables.get(messageId);
    if (!confirmable) return;
    const now = performance.now();
    if (confirmable.retransmissions === this.timing.maxRetransmit || now >= confirmable.giveUpAt) {
      this.confirmables.delete(messageId);
      confirmable.onDelivery?.(undefined);
      return;
    }
    confirmable.retransmissions++;
    confirmable.waitMs *= 2;
    confirmable.timer = setTimeout(
      this.retransmit,
      Math.min(confirmable.waitMs, confirmable.giveUpAt - now),
      messageId,
    );
    this.transmit(confirmable.datagram, confirmable.peer);
  };

  private readonly expire = (key: number): void => this.settle(key, undefined);

  /**
   * Ends a request with its response, or undefined at its deadline. A response may come before the
   * ACK of the request (RFC 7252 §5.2.2): the request is not retransmitted any more either.
   */
  private settle(key: number, response: ParsedPacket | undefined): void {
    const request = this.requests.get(key);
    if (!request) return;
    this.requests.delete(key);
    if (request.timer) clearTimeout(request.timer);
    if (request.messageId !== undefined) {
      clearTimeout(this.confirmables.get(request.messageId)?.timer);
      this.confirmables.delete(request.messageId);
    }
    request.onAnswer(response);
  }

  private receive(datagram: Buffer, peer: RemoteInfo): void {
    let packet: ParsedPacket;
    try {
      packet = parse(datagram);
    } catch {
      return;
    }
    if (packet.ack || packet.reset) {
      this.onAckOrReset(packet, peer);
      return;
    }
    if (packet.confirmable) {
      const answered = this.replies.get(peer, packet.messageId, packet.token);
      if (answered) {
        this.transmit(answered, peer);
        return;
      }
    }
    const codeClass = packet.code.charCodeAt(0) - 48;
    if (codeClass === 0 && packet.code !== '0.00') this.handlers.onRequest({ packet, peer });
    else if (codeClass >= 2 && codeClass <= 5) this.onResponse(packet, peer);
    // A CoAP ping (empty CON) or a message of a reserved class: rejected (RFC 7252 §4.2, §4.3).
    else if (packet.confirmable) this.transmit(emptyMessage(RST, packet.messageId), peer);
  }

  private onAckOrReset(packet: ParsedPacket, peer: RemoteInfo): void {
    const confirmable = this.confirmables.get(packet.messageId);
    // Matched by id and port only: the device may name the ingress by host name, its answers come
    // from an address.
    if (!confirmable || confirmable.peer.port !== peer.port) {
      if (packet.reset) this.handlers.onReset(packet.messageId, peer);
      return;
    }
    this.confirmables.delete(packet.messageId);
    clearTimeout(confirmable.timer);
    confirmable.onDelivery?.(packet);
  }

  /** A separate response (RFC 7252 §5.2.2): acknowledged when CON, refused with RST when unknown. */
  private onResponse(packet: ParsedPacket, peer: RemoteInfo): void {
    const key = tokenKey(packet.token);
    if (key === undefined || !this.requests.has(key)) {
      this.transmit(emptyMessage(RST, packet.messageId), peer);
      return;
    }
    if (packet.confirmable) {
      const ack = emptyMessage(ACK, packet.messageId);
      this.replies.set(peer, packet.messageId, packet.token, ack);
      this.transmit(ack, peer);
    }
    this.settle(key, packet);
  }
}
