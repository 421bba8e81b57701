/**
 * The ingress's CoAP endpoint: one UDP socket on COAP_PORT that serves device requests (node-coap
 * Server) and sends the ingress's own requests to devices (its message layer, transport/) from the
 * same port.
 */
import { createSocket, type Socket } from 'node:dgram';
import { type IncomingMessage, type OutgoingMessage, Server } from 'coap';
import { type CoapError, toCoapError } from './coap-errors.js';
import { type CoapTiming, maxTransmitWaitMs } from './coap-timing.js';
import { createDemux, type Datagram, type Demux } from './demux.js';
import {
  CoapTransport,
  type OnAnswer,
  type OutgoingMessage as OutgoingCoapMessage,
  type Peer,
  type RequestHooks,
} from './transport/coap-transport.js';

export type RequestHandler = (req: IncomingMessage, res: OutgoingMessage) => Promise<void>;

export interface EndpointOptions {
  host: string;
  port: number;
  piggybackMs: number;
  recvBufferBytes: number;
  /** How long a message id is remembered against duplicates (≥ the peer's MAX_TRANSMIT_SPAN). */
  dedupeWindowMs: number;
  /** Retransmission of the ingress's own CONs. */
  timing: CoapTiming;
  handler: RequestHandler;
  onMalformed: (datagram: Datagram) => void;
  onDuplicate: () => void;
  /** A request answered with an error: the response sent and what caused it. */
  onRejected: (response: CoapError, cause: unknown, req: IncomingMessage) => void;
}

/**
 * Message ids seen recently, in two generations swapped every window: a lookup costs two Set probes
 * and memory stays bounded by two windows of traffic, without a timer per entry.
 */
class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(windowMs: number) {
    this.timer = setInterval(() => {
      this.previous = this.current;
      this.current = new Set();
    }, windowMs);
    this.timer.unref();
  }

  /** True when the id was new (and is now remembered). */
  add(id: string): boolean {
    if (this.current.has(id) || this.previous.has(id)) return false;
    this.current.add(id);
    return true;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

export class CoapEndpoint {
  /** MAX_TRANSMIT_WAIT of our CONs: after it, a CON that got no ACK never will. */
  readonly giveUpMs: number;

  private constructor(
    readonly socket: Socket,
    private readonly server: Server,
    private readonly transport: CoapTransport,
    private readonly demux: Demux,
    private readonly recent: RecentIds,
    timing: CoapTiming,
  ) {
    this.giveUpMs = maxTransmitWaitMs(timing);
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
    const transport = new CoapTransport(
      // The socket is the endpoint's: the transport only sends on it.
      { send: (datagram, peer) => socket.send(datagram, peer.port, peer.address), close: () => {} },
      options.timing,
      // Device requests never reach the transport (the demux gives them to the Server), and an RST
      // to a CON of ours settles that CON; others (to an ACK we sent) need nothing.
      { onRequest: () => {}, onReset: () => {} },
      { dedupeWindowMs: options.dedupeWindowMs, matchPeerAddress: true },
    );
    const demux = createDemux(socket, {
      onResponse: (message, rinfo) => transport.receive(message, rinfo),
      onMalformed: options.onMalformed,
    });
    const server = new Server({ piggybackReplyMs: options.piggybackMs });
    const recent = new RecentIds(options.dedupeWindowMs);
    // Errors on a UDP socket (ICMP unreachable from a device that went away) must not kill the process.
    server.on('error', () => {});
    server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
      // node-coap answers a retransmission from its response cache once the first copy was answered;
      // one that arrives while the first is still being handled reaches us and is dropped here.
      if (!recent.add(`${req.rsinfo.address}:${req.rsinfo.port}/${req._packet.messageId}`)) {
        options.onDuplicate();
        return;
      }
      options.handler(req, res).catch((error: unknown) => {
        const coapError = toCoapError(error);
        options.onRejected(coapError, error, req);
        res.code = coapError.code;
        res.end(coapError.message);
      });
    });
    server.listen(demux.server);
    return new CoapEndpoint(socket, server, transport, demux, recent, options.timing);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** A CON request to a device, retransmitted until MAX_TRANSMIT_WAIT; returns a function that forgets it. */
  request(peer: Peer, message: OutgoingCoapMessage, onAnswer: OnAnswer, hooks?: RequestHooks): () => void {
    return this.transport.request(peer, message, this.giveUpMs, onAnswer, hooks);
  }

  /** A CON observe request to a device (see CoapTransport.observe); returns a function that ends it. */
  observe(peer: Peer, message: OutgoingCoapMessage, onResponse: OnAnswer): () => void {
    return this.transport.observe(peer, message, this.giveUpMs, onResponse);
  }

  async close(): Promise<void> {
    this.recent.close();
    this.server.close();
    this.transport.close();
    this.demux.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
