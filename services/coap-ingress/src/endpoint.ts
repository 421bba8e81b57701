/**
 * The ingress's CoAP endpoint: one UDP socket on COAP_PORT that serves device requests (node-coap
 * Server) and sends the ingress's own requests to devices (node-coap Agent) from the same port.
 */
import { createSocket, type Socket } from 'node:dgram';
import { Agent, type CoapRequestParams, type IncomingMessage, type OutgoingMessage, Server } from 'coap';
import { type CoapError, toCoapError } from './coap-errors.js';
import { createDemux, type Datagram, type Demux } from './demux.js';

export type RequestHandler = (req: IncomingMessage, res: OutgoingMessage) => Promise<void>;

export interface EndpointOptions {
  host: string;
  port: number;
  piggybackMs: number;
  recvBufferBytes: number;
  /** How long a request's message id is remembered against duplicates (≥ the peer's MAX_TRANSMIT_SPAN). */
  dedupeWindowMs: number;
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
  private constructor(
    readonly socket: Socket,
    private readonly server: Server,
    readonly agent: Agent,
    private readonly demux: Demux,
    private readonly recent: RecentIds,
  ) {}

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
    const demux = createDemux(socket, options.onMalformed);
    const server = new Server({ piggybackReplyMs: options.piggybackMs });
    const agent = new Agent({ socket: demux.agent as unknown as Socket });
    // The Agent's map of outstanding requests by message id (internal to node-coap, see MessageIdGuard).
    const internals = agent as unknown as { _msgIdToReq: Map<number, unknown> };
    demux.guardMessageIds((messageId) => {
      const outstanding = internals._msgIdToReq;
      const request = outstanding.get(messageId);
      if (request === undefined) return undefined;
      outstanding.delete(messageId);
      return () => outstanding.set(messageId, request);
    });
    const recent = new RecentIds(options.dedupeWindowMs);
    // Errors on a UDP socket (ICMP unreachable from a device that went away) must not kill the process.
    server.on('error', () => {});
    agent.on('error', () => {});
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
    return new CoapEndpoint(socket, server, agent, demux, recent);
  }

  get port(): number {
    return this.socket.address().port;
  }

  request(params: CoapRequestParams): OutgoingMessage {
    return this.agent.request(params);
  }

  watchAck(messageId: number, onAck: (reset: boolean) => void): void {
    this.demux.watchAck(messageId, onAck);
  }

  unwatchAck(messageId: number): void {
    this.demux.unwatchAck(messageId);
  }

  async close(): Promise<void> {
    this.recent.close();
    this.server.close();
    // With a socket of its own choosing the Agent never calls back from close(): it only aborts.
    this.agent.close();
    this.demux.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
