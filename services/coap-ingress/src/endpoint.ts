/**
 * The ingress's CoAP endpoint: one UDP socket on COAP_PORT and the CoAP message layer on it
 * (transport/), which both serves device requests (the registration interface) and sends the ingress's
 * own requests to devices (observe, command writes) from the same port.
 *
 * Requests are answered piggy-backed on their ACK when the handler is done within the piggy-back
 * window, else with an empty ACK and, later, a separate CON response. A retransmitted request gets the
 * answer already given (the message layer keeps it for the devices' MAX_TRANSMIT_SPAN); one that
 * arrives while the first copy is still being handled is dropped, so every request is handled once.
 *
 * Not node-coap's Server: it keeps each request's stream objects (a Readable, a Duplex, a retry sender)
 * in its response cache for EXCHANGE_LIFETIME, hundreds of MB at thousands of wake-ups per second, and
 * collecting them costs more CPU than the requests themselves.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { NamedOption } from 'coap-packet';
import { type CoapError, toCoapError } from './coap-errors.js';
import { type CoapTiming, maxTransmitWaitMs } from './coap-timing.js';
import { type Datagram, rejectIfConfirmable, routeOf } from './datagram-check.js';
import { optionStrings, uintValue } from './transport/coap-options.js';
import {
  CoapTransport,
  type IncomingRequest,
  type OnAnswer,
  type OutgoingMessage,
  type Peer,
  type RequestHooks,
} from './transport/coap-transport.js';
import { RecentMap } from './transport/recent-map.js';

/** A device's request, as the resources see it. */
export interface CoapRequest {
  /** GET, POST, PUT, DELETE, FETCH, PATCH or iPATCH. */
  method: string;
  /** The Uri-Path segments. */
  path: string[];
  /** The Uri-Query options joined with `&`. */
  query: string;
  payload: Buffer;
  contentFormat: number | undefined;
  peer: Peer;
}

export interface CoapResponse {
  code: string;
  options?: NamedOption[];
  payload?: Buffer;
}

/** A handler's answer, and what to do once it is on its way (observe the device, deliver). */
export interface Handled {
  response: CoapResponse;
  followUp?: () => void;
}

export type RequestHandler = (request: CoapRequest) => Promise<Handled>;

export interface EndpointOptions {
  host: string;
  port: number;
  /** How long a handler may take and still answer inside the ACK; 0: every CON gets an empty ACK first. */
  piggybackMs: number;
  recvBufferBytes: number;
  /** How long a request's answer is kept for its retransmissions (≥ the peer's MAX_TRANSMIT_SPAN). */
  dedupeWindowMs: number;
  /** Retransmission of the ingress's own CONs. */
  timing: CoapTiming;
  handler: RequestHandler;
  onMalformed: (datagram: Datagram) => void;
  onDuplicate: () => void;
  /** A request answered with an error: the response sent and what caused it. */
  onRejected: (response: CoapError, cause: unknown, request: CoapRequest) => void;
}

const METHODS: Readonly<Record<string, string>> = {
  '0.01': 'GET',
  '0.02': 'POST',
  '0.03': 'PUT',
  '0.04': 'DELETE',
  '0.05': 'FETCH',
  '0.06': 'PATCH',
  '0.07': 'iPATCH',
};

function toCoapRequest({ packet, peer }: IncomingRequest): CoapRequest {
  return {
    method: METHODS[packet.code] ?? packet.code,
    path: optionStrings(packet.options, 'Uri-Path'),
    query: optionStrings(packet.options, 'Uri-Query').join('&'),
    payload: packet.payload,
    contentFormat: uintValue(packet, 'Content-Format'),
    peer,
  };
}

export class CoapEndpoint {
  /** MAX_TRANSMIT_WAIT of our CONs: after it, a CON that got no ACK never will. */
  readonly giveUpMs: number;
  private readonly transport: CoapTransport;
  /** Requests being handled, by `<address>:<port>/<message id>`. */
  private readonly inProgress = new Set<string>();
  /**
   * NON requests seen recently: they have no answer the message layer could keep, and duplicates are
   * ignored (RFC 7252 §4.5).
   */
  private readonly recentNon: RecentMap<string, true>;

  private constructor(
    readonly socket: Socket,
    private readonly options: EndpointOptions,
  ) {
    this.giveUpMs = maxTransmitWaitMs(options.timing);
    this.recentNon = new RecentMap(options.dedupeWindowMs);
    this.transport = new CoapTransport(
      // The socket is the endpoint's: the transport only sends on it.
      { send: (datagram, peer) => socket.send(datagram, peer.port, peer.address), close: () => {} },
      options.timing,
      // An RST to a CON of ours settles that CON; others (to an ACK we sent) need nothing.
      { onRequest: (request) => this.serve(request), onReset: () => {}, onUnparsable: this.malformed },
      { dedupeWindowMs: options.dedupeWindowMs, matchPeerAddress: true },
    );
    socket.on('message', (message: Buffer, rinfo: RemoteInfo) => {
      if (routeOf(message) === 'malformed') this.malformed(message, rinfo);
      else this.transport.receive(message, rinfo);
    });
    // Errors on a UDP socket (ICMP unreachable from a device that went away) must not kill the process.
    socket.on('error', () => {});
  }

  static async open(options: EndpointOptions): Promise<CoapEndpoint> {
    const socket = createSocket({
      type: 'udp4',
      ...(options.recvBufferBytes > 0 ? { recvBufferSize: options.recvBufferBytes } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new CoapEndpoint(socket, options);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** A CON request to a device, retransmitted until MAX_TRANSMIT_WAIT; returns a function that forgets it. */
  request(peer: Peer, message: OutgoingMessage, onAnswer: OnAnswer, hooks?: RequestHooks): () => void {
    return this.transport.request(peer, message, this.giveUpMs, onAnswer, hooks);
  }

  /** A CON observe request to a device (see CoapTransport.observe); returns a function that ends it. */
  observe(peer: Peer, message: OutgoingMessage, onResponse: OnAnswer): () => void {
    return this.transport.observe(peer, message, this.giveUpMs, onResponse);
  }

  /** True for a NON request seen within the window; else it is remembered now. */
  private seenNon(key: string): boolean {
    if (this.recentNon.get(key)) return true;
    this.recentNon.set(key, true);
    return false;
  }

  async close(): Promise<void> {
    this.transport.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private readonly malformed = (message: Buffer, rinfo: Peer): void => {
    this.options.onMalformed({ message, rinfo: rinfo as RemoteInfo });
    rejectIfConfirmable(this.socket, message, rinfo);
  };

  private serve(incoming: IncomingRequest): void {
    const { packet, peer } = incoming;
    const key = `${peer.address}:${peer.port}/${packet.messageId}`;
    if (this.inProgress.has(key) || (!packet.confirmable && this.seenNon(key))) {
      this.options.onDuplicate();
      return;
    }
    this.inProgress.add(key);
    let acknowledged = false;
    const acknowledge = (): void => {
      acknowledged = true;
      this.transport.acknowledge(incoming);
    };
    let window: NodeJS.Timeout | undefined;
    if (packet.confirmable) {
      // A window of 0 means no piggy-backing: the empty ACK goes at once, not after a timer tick that a
      // handler served within a millisecond could beat.
      if (this.options.piggybackMs === 0) acknowledge();
      else window = setTimeout(acknowledge, this.options.piggybackMs);
    }
    const respond = (response: CoapResponse): void => {
      clearTimeout(window);
      this.inProgress.delete(key);
      if (acknowledged) this.transport.send(peer, { ...response, token: packet.token }, true);
      else this.transport.answer(incoming, response);
    };
    const request = toCoapRequest(incoming);
    this.options.handler(request).then(
      (handled) => {
        respond(handled.response);
        handled.followUp?.();
      },
      (error: unknown) => {
        const coapError = toCoapError(error);
        this.options.onRejected(coapError, error, request);
        respond({ code: coapError.code, payload: Buffer.from(coapError.message) });
      },
    );
  }
}
