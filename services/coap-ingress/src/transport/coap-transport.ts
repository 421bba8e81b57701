/**
 * A CoAP message layer (RFC 7252 §4, §5.3, and the client side of RFC 7641 observe): message ids and
 * tokens, retransmission of confirmable messages with exponential backoff, acknowledgements,
 * deduplication of received confirmable messages, requests matched to their responses (piggy-backed
 * or separate), observations that keep their token for every notification. Resources sit on top
 * (`onRequest`).
 *
 * Two users: each simulated device on its own UDP socket (`UdpCoapTransport`), and the ingress on its
 * listening port (`endpoint.ts`), which serves the devices' requests and sends its own (observe,
 * command writes) there. Leaner than node-coap's Agent and Server on purpose: no stream objects and no
 * timers per answered message, which at thousands of round trips per second is a large part of the CPU.
 */
import { randomFillSync, randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { generate, type NamedOption, type Packet, type ParsedPacket, parse } from 'coap-packet';
import { type CoapTiming, exchangeLifetimeMs } from '../coap-timing.js';
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
  /** A datagram that is no CoAP message (dropped when absent). */
  onUnparsable?(datagram: Buffer, peer: Peer): void;
}

/** Where datagrams go: a socket of the transport's own, or one it shares. */
export interface DatagramLink {
  send(datagram: Buffer, peer: Peer): void;
  close(): void;
}

export interface TransportOptions {
  /**
   * How long the answer to a received CON is kept for its retransmissions: by default EXCHANGE_LIFETIME
   * of our own timing; the ingress, which hears thousands of devices, keeps them for the devices'
   * MAX_TRANSMIT_SPAN.
   */
  dedupeWindowMs?: number;
  /**
   * ACKs and RSTs must come from the address our CON went to, not only its port: the ingress writes to
   * thousands of devices, many behind other addresses on the same port (5683). A device, which may
   * name the ingress by host name while answers come from an address, matches by port only.
   */
  matchPeerAddress?: boolean;
}

/** What the peer made of a request: the response (an RST too: code 0.00), or undefined at its deadline. */
export type OnAnswer = (response: ParsedPacket | undefined) => void;

/** Callbacks beyond the answer: the CON acknowledged by an empty ACK (a separate response will follow). */
export interface RequestHooks {
  onAck?(): void;
}

/** RFC 7252 §4.6: a message must fit one datagram; coap-packet refuses to build a larger one. */
const MAX_MESSAGE_BYTES = 1280;

/** A message that does not fit one datagram (this layer has no block-wise transfer, RFC 7959). */
export class MessageTooLargeError extends Error {}

function encode(packet: Packet): Buffer {
  try {
    return generate(packet, MAX_MESSAGE_BYTES);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Max packet size'))
      throw new MessageTooLargeError(`${error.message} bytes: it does not fit one CoAP message`);
    throw error;
  }
}

const TOKEN_SPACE = 0x4000_0000;
const ACK = 2;
const RST = 3;

function emptyMessage(type: typeof ACK | typeof RST, messageId: number): Buffer {
  return Buffer.of(0x40 | (type << 4), 0, messageId >> 8, messageId & 0xff);
}

/**
 * Random bytes for tokens, refilled in bulk: one call into the CSPRNG per 1,024 tokens, not one per
 * request. One pool per process, shared by every transport in it (10,000 simulated devices have one).
 */
const randomPool = { bytes: Buffer.alloc(4096), offset: 4096 };

function takeRandom(token: Buffer, at: number): void {
  if (randomPool.offset === randomPool.bytes.length) {
    randomFillSync(randomPool.bytes);
    randomPool.offset = 0;
  }
  randomPool.bytes.copy(token, at, randomPool.offset, randomPool.offset + 4);
  randomPool.offset += 4;
}

/**
 * Tokens are 8 bytes: a counter (the key of the request) and 32 random bits, which RFC 7252 §5.3.1 asks
 * of an endpoint on the Internet so that an off-path attacker cannot forge a response.
 */
class TokenSource {
  private next = randomInt(TOKEN_SPACE);

  take(): { key: number; token: Buffer } {
    const key = this.next;
    // Below 2³⁰: a small integer to V8, not a heap number.
    this.next = (key + 1) % TOKEN_SPACE;
    const token = Buffer.allocUnsafe(8);
    token.writeUInt32BE(key, 0);
    takeRandom(token, 4);
    return { key, token };
  }
}

/** The key of one of our tokens; a token of any other length is none of ours. */
function tokenKey(token: Buffer): number | undefined {
  return token.length === 8 ? token.readUInt32BE(0) : undefined;
}

/** RFC 7641 §3.2: a 2.xx with an Observe option keeps the observation; anything else ends it. */
function isNotification(packet: ParsedPacket): boolean {
  if (packet.reset || packet.code[0] !== '2') return false;
  for (const option of packet.options) if (option.name === 'Observe') return true;
  return false;
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
  token: Buffer;
  /** The id of its CON, while that is unsettled. */
  messageId: number | undefined;
  /** Only once the CON is settled: until then its retransmission timer watches the deadline too. */
  timer: NodeJS.Timeout | undefined;
  onAnswer: OnAnswer;
  onAck: (() => void) | undefined;
  /** An observe: the token stays ours after the first notification, for the ones that follow. */
  observing: boolean;
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
  /** By token key (tokenKey). */
  private readonly requests = new Map<number, PendingRequest>();
  private readonly replies: ReplyCache;
  private readonly tokens = new TokenSource();
  private readonly matchPeerAddress: boolean;
  private nextMessageId = randomInt(0x10000);
  private closed = false;

  constructor(
    private readonly link: DatagramLink,
    private readonly timing: CoapTiming,
    private readonly handlers: TransportHandlers,
    options: TransportOptions = {},
  ) {
    this.replies = new ReplyCache(options.dedupeWindowMs ?? exchangeLifetimeMs(timing));
    this.matchPeerAddress = options.matchPeerAddress ?? false;
  }

  /**
   * A CON request. `onAnswer` gets the response (an RST too: code 0.00), or undefined when none came
   * within `timeoutMs`; retransmission stops then. Returns a function that forgets the request. Throws
   * MessageTooLargeError, keeping nothing, when the message does not fit one datagram.
   */
  request(
    peer: Peer,
    message: OutgoingMessage,
    timeoutMs: number,
    onAnswer: OnAnswer,
    hooks?: RequestHooks,
  ): () => void {
    return this.start(peer, message, timeoutMs, onAnswer, hooks?.onAck, false);
  }

  /**
   * A CON observe request (the caller puts `Observe: 0` in it): `onResponse` gets its answer, then every
   * notification on its token, until the returned function forgets it (later notifications get an RST,
   * which tells the peer to stop) or a response that is not a notification ends it.
   */
  observe(peer: Peer, message: OutgoingMessage, timeoutMs: number, onResponse: OnAnswer): () => void {
    return this.start(peer, message, timeoutMs, onResponse, undefined, true);
  }

  /** Feeds a datagram that arrived for this endpoint. */
  receive(datagram: Buffer, peer: Peer): void {
    let packet: ParsedPacket;
    try {
      packet = parse(datagram);
    } catch {
      this.handlers.onUnparsable?.(datagram, peer);
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

  private start(
    peer: Peer,
    message: OutgoingMessage,
    timeoutMs: number,
    onAnswer: OnAnswer,
    onAck: (() => void) | undefined,
    observing: boolean,
  ): () => void {
    const { key, token } = this.tokens.take();
    const deadline = performance.now() + timeoutMs;
    const request: PendingRequest = { token, messageId: undefined, timer: undefined, onAnswer, onAck, observing };
    // Registered only once its datagram exists: a message too large throws before anything is kept.
    request.messageId = this.sendConfirmable(peer, { ...message, token }, deadline, (reply) => {
      request.messageId = undefined;
      if (reply?.reset || (reply && reply.code !== '0.00' && reply.token.equals(token))) {
        this.settle(key, reply);
        return;
      }
      if (this.requests.get(key) !== request) return;
      // An empty ACK promises a separate response, matched by token when it comes: for an observe
      // whenever the peer has something to notify, for a request until the deadline. After a give-up
      // one may still come, until the deadline.
      if (reply) {
        request.onAck?.();
        if (observing) return;
      }
      if (this.requests.get(key) === request && !request.timer)
        request.timer = setTimeout(this.expire, Math.max(0, deadline - performance.now()), key);
    });
    this.requests.set(key, request);
    return () => this.forget(key, request);
  }

  /** Answers a request: piggy-backed on the ACK of a CON (kept for its retransmissions), or as a NON. */
  answer(request: IncomingRequest, reply: OutgoingMessage): void {
    const { packet, peer } = request;
    if (!packet.confirmable) {
      this.send(peer, { ...reply, token: packet.token }, false);
      return;
    }
    const datagram = encode(toPacket({ ...reply, token: packet.token }, packet.messageId, 'ack'));
    this.replies.set(peer, packet.messageId, packet.token, datagram);
    this.transmit(datagram, peer);
  }

  /**
   * Acknowledges a CON request with an empty ACK (kept for its retransmissions): its answer follows as
   * a separate response, a CON with the request's token (`send`).
   */
  acknowledge(request: IncomingRequest): void {
    const { packet, peer } = request;
    const datagram = emptyMessage(ACK, packet.messageId);
    this.replies.set(peer, packet.messageId, packet.token, datagram);
    this.transmit(datagram, peer);
  }

  /** Sends a CON (retransmitted until ACK, RST or give-up; `onDelivery` tells which) or a NON; returns its id. */
  send(peer: Peer, message: OutgoingMessage, confirmable: boolean, onDelivery?: OnDelivery): number {
    if (confirmable) return this.sendConfirmable(peer, message, Number.POSITIVE_INFINITY, onDelivery);
    const messageId = message.messageId ?? this.takeMessageId();
    this.transmit(encode(toPacket(message, messageId, 'non')), peer);
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
    this.link.close();
  }

  private sendConfirmable(peer: Peer, message: OutgoingMessage, giveUpAt: number, onDelivery?: OnDelivery): number {
    // A given id is the peer's (a held-back answer carries its request's): it must not displace a CON
    // of ours still waiting for its ACK under the same number.
    const messageId =
      message.messageId !== undefined && !this.confirmables.has(message.messageId)
        ? message.messageId
        : this.takeMessageId();
    const datagram = encode(toPacket(message, messageId, 'con'));
    if (this.closed) return messageId;
    const { ackTimeoutMs, ackRandomFactor } = this.timing;
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    const waitMs = Math.round(ackTimeoutMs * (1 + (ackRandomFactor - 1) * Math.random()));
    const timer = setTimeout(this.retransmit, Math.min(waitMs, giveUpAt - performance.now()), messageId);
    this.confirmables.set(messageId, { datagram, peer, retransmissions: 0, waitMs, giveUpAt, timer, onDelivery });
    this.transmit(datagram, peer);
    return messageId;
  }

  /**
   * The next id no CON of ours is waiting under: the ingress numbers its messages to all devices with
   * this one counter, and a device that sleeps keeps one CON unacknowledged for MAX_TRANSMIT_WAIT while
   * thousands of others go out.
   */
  private takeMessageId(): number {
    let messageId = this.nextMessageId;
    for (let tries = 0; this.confirmables.has(messageId) && tries < 0xffff; tries++)
      messageId = (messageId + 1) & 0xffff;
    this.nextMessageId = (messageId + 1) & 0xffff;
    return messageId;
  }

  private transmit(datagram: Buffer, peer: Peer): void {
    if (!this.closed) this.link.send(datagram, peer);
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
    this.stopWaiting(request);
    if (!(request.observing && response && isNotification(response))) this.requests.delete(key);
    request.onAnswer(response);
  }

  private forget(key: number, request: PendingRequest): void {
    if (this.requests.get(key) !== request) return;
    this.requests.delete(key);
    this.stopWaiting(request);
  }

  private stopWaiting(request: PendingRequest): void {
    if (request.timer) clearTimeout(request.timer);
    request.timer = undefined;
    if (request.messageId !== undefined) {
      clearTimeout(this.confirmables.get(request.messageId)?.timer);
      this.confirmables.delete(request.messageId);
      request.messageId = undefined;
    }
  }

  private onAckOrReset(packet: ParsedPacket, peer: Peer): void {
    const confirmable = this.confirmables.get(packet.messageId);
    const from = confirmable?.peer;
    if (!from || from.port !== peer.port || (this.matchPeerAddress && from.address !== peer.address)) {
      if (packet.reset) this.handlers.onReset(packet.messageId, peer);
      return;
    }
    this.confirmables.delete(packet.messageId);
    clearTimeout(confirmable.timer);
    confirmable.onDelivery?.(packet);
  }

  /** A separate response (RFC 7252 §5.2.2): acknowledged when CON, refused with RST when unknown. */
  private onResponse(packet: ParsedPacket, peer: Peer): void {
    const key = tokenKey(packet.token);
    if (key === undefined || !this.requests.get(key)?.token.equals(packet.token)) {
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

/** A transport on a UDP socket of its own (a simulated device: one socket, one public port, each). */
export class UdpCoapTransport extends CoapTransport {
  private constructor(
    socket: Socket,
    readonly port: number,
    timing: CoapTiming,
    handlers: TransportHandlers,
  ) {
    super(
      { send: (datagram, peer) => socket.send(datagram, peer.port, peer.address), close: () => socket.close() },
      timing,
      handlers,
    );
    socket.on('message', (datagram: Buffer, peer: RemoteInfo) => this.receive(datagram, peer));
    // A datagram that could not be sent is a lost datagram: retransmission or the request timeout
    // deal with it, as with any loss on the radio.
    socket.on('error', () => {});
  }

  static async open(host: string, timing: CoapTiming, handlers: TransportHandlers): Promise<UdpCoapTransport> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpCoapTransport(socket, socket.address().port, timing, handlers);
  }
}
