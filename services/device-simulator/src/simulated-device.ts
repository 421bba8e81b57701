/**
 * A simulated NB-IoT device: a real LwM2M 1.0 client over CoAP/UDP with its own socket (as a device
 * behind NAT has its own public port). It registers, serves the observe of /19/0/0, executes writes of
 * /19/1/0 (JSON by default) and reports results as notifications. Behaviours let tests make it
 * misbehave as real devices do.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { Agent, type IncomingMessage, type ObserveWriteStream, type OutgoingMessage, Server } from 'coap';

export type DeviceBehaviour =
  /** ACK 2.04 piggy-backed, then the result (errcode 0) after `resultDelayMs`. */
  | 'normal'
  /** Receives writes but never acknowledges them. */
  | 'never-ack'
  /** Acknowledges writes, never reports a result. */
  | 'ack-no-result'
  /** Acknowledges, then reports errcode `errcode` (default 1). */
  | 'fail'
  /** Answers writes with 4.00 Bad Request. */
  | 'reject';

/** What a device makes of a write: its mid, and the result to report (none: report nothing). */
export type CommandHandler = (
  payload: Buffer,
  contentFormat: number | undefined,
) => {
  mid: number;
  result?: { payload: Buffer; contentFormat: number };
};

export interface SimulatedDeviceOptions {
  nodeId: string;
  /** The ingress. */
  host: string;
  port: number;
  lifetimeS?: number;
  binding?: 'U' | 'UQ';
  behaviour?: DeviceBehaviour;
  errcode?: number;
  resultDelayMs?: number;
  /** CON notifications (acknowledged by the ingress) instead of NON, IoTDA's default. */
  confirmableNotifications?: boolean;
  /** Replaces the JSON handling of writes (binary codecs). */
  handler?: CommandHandler;
  /** Gives up on a request to the ingress after this long (node-coap itself retransmits). */
  requestTimeoutMs?: number;
  /**
   * Answers the observe of /19/0/0 only with its first notification (a command result, say): what the
   * ingress sees when the device's first answer was lost on the radio.
   */
  deferObserveAnswer?: boolean;
}

export interface ReceivedCommand {
  mid: number;
  payload: Buffer;
  contentFormat: number | undefined;
  /** performance.now() when the write arrived. */
  at: number;
  /** The write as JSON when it was JSON. */
  message?: Record<string, unknown>;
}

export interface CoapAnswer {
  code: string;
  payload: Buffer;
  /** Max-Age of the answer, seconds: when to retry a 5.03. */
  maxAgeS?: number;
}

const CONTENT_FORMAT_NUMBERS: Record<string, number> = {
  'application/link-format': 40,
  'application/octet-stream': 42,
  'application/json': 50,
};
const JSON_FORMAT = 50;
const OBJECT_LINKS = '</19/0/0>,</19/1/0>';

function contentFormat(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? CONTENT_FORMAT_NUMBERS[value] : undefined;
}

/** The default device logic: JSON `{mid, service_id, command_name, paras}` in, `{mid, errcode, body}` out. */
function jsonHandler(errcode: number): CommandHandler {
  return (payload) => {
    const message = JSON.parse(payload.toString('utf8')) as { mid: number; command_name?: string };
    const body = { executed: message.command_name ?? null };
    return {
      mid: message.mid,
      result: { payload: Buffer.from(JSON.stringify({ mid: message.mid, errcode, body })), contentFormat: JSON_FORMAT },
    };
  };
}

export class SimulatedDevice extends EventEmitter {
  readonly options: Required<Omit<SimulatedDeviceOptions, 'handler'>> & { handler: CommandHandler };
  readonly commands: ReceivedCommand[] = [];
  /** The mid of every write received, retransmissions and repeats included. */
  readonly writeMids: number[] = [];
  registrationId: string | undefined;
  /** performance.now() of the last register/update sent: the wake-up. */
  wokeAt = 0;
  private socket!: Socket;
  private server!: Server;
  private agent!: Agent;
  private observer: ObserveWriteStream | undefined;
  private notifyQueue: { payload: Buffer; contentFormat: number }[] = [];
  /** Results by mid: a repeated write is acknowledged and answered again, not executed twice. */
  private readonly results = new Map<number, { payload: Buffer; contentFormat: number } | null>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: SimulatedDeviceOptions) {
    super();
    const errcode = options.behaviour === 'fail' ? (options.errcode ?? 1) : 0;
    this.options = {
      lifetimeS: 300,
      binding: 'U',
      behaviour: 'normal',
      errcode,
      resultDelayMs: 0,
      confirmableNotifications: false,
      requestTimeoutMs: 10_000,
      deferObserveAnswer: false,
      ...options,
      handler: options.handler ?? jsonHandler(errcode),
    };
  }

  static async open(options: SimulatedDeviceOptions): Promise<SimulatedDevice> {
    const device = new SimulatedDevice(options);
    await device.bind();
    return device;
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  get observed(): boolean {
    return this.observer !== undefined;
  }

  /** `POST /rd?ep=...`; resolves with the answer (2.01 and the registration id on success). */
  async register(): Promise<CoapAnswer> {
    const { nodeId, lifetimeS, binding } = this.options;
    this.wokeAt = performance.now();
    const answer = await this.send({
      method: 'POST',
      pathname: '/rd',
      query: `ep=${encodeURIComponent(nodeId)}&lt=${lifetimeS}&lwm2m=1.0&b=${binding}`,
      options: { 'Content-Format': 'application/link-format' },
      payload: Buffer.from(OBJECT_LINKS),
      onAnswer: (res) => {
        const location = (res._packet.options ?? [])
          .filter((o) => o.name === 'Location-Path')
          .map((o) => String(o.value));
        if (res.code === '2.01' && location[0] === 'rd' && location[1]) this.registrationId = location[1];
      },
    });
    return answer;
  }

  /** `POST /rd/<id>` (optionally with a new lifetime or binding). */
  async update(changes: { lifetimeS?: number; binding?: 'U' | 'UQ' } = {}): Promise<CoapAnswer> {
    const query: string[] = [];
    if (changes.lifetimeS !== undefined) query.push(`lt=${changes.lifetimeS}`);
    if (changes.binding !== undefined) query.push(`b=${changes.binding}`);
    this.wokeAt = performance.now();
    return this.send({
      method: 'POST',
      pathname: `/rd/${this.registrationId ?? 'none'}`,
      ...(query.length > 0 ? { query: query.join('&') } : {}),
    });
  }

  /** `DELETE /rd/<id>`; the device also forgets its observer, unless told to misbehave and keep it. */
  async deregister(options: { keepObserver?: boolean } = {}): Promise<CoapAnswer> {
    const answer = await this.send({ method: 'DELETE', pathname: `/rd/${this.registrationId ?? 'none'}` });
    if (answer.code === '2.02') {
      this.registrationId = undefined;
      if (!options.keepObserver) this.observer = undefined;
    }
    return answer;
  }

  /** Changes how the device treats the writes that come next (a device that recovers, or breaks). */
  setBehaviour(behaviour: DeviceBehaviour): void {
    this.options.behaviour = behaviour;
  }

  /** Talks to another ingress from now on (a replica that replaced a stopped one). */
  retarget(port: number, host = this.options.host): void {
    this.options.port = port;
    this.options.host = host;
  }

  /** An uplink notification with data (JSON by default). */
  sendData(data: unknown, format = JSON_FORMAT): void {
    const payload = Buffer.isBuffer(data) ? data : Buffer.from(JSON.stringify(data));
    this.notify(payload, format);
  }

  /** A notification with an arbitrary payload (tests of bad uplinks, results sent by hand). */
  notify(payload: Buffer, format: number): void {
    if (!this.observer) {
      this.notifyQueue.push({ payload, contentFormat: format });
      return;
    }
    const observer = this.observer as ObserveWriteStream & { _packet: { confirmable: boolean; ack: boolean } };
    // node-coap makes notifications CON when the observe request was CON; IoTDA devices send NON.
    observer._packet.confirmable = this.options.confirmableNotifications;
    observer._packet.ack = false;
    observer.setOption('Content-Format', format);
    observer.write(payload);
  }

  /**
   * NAT rebinding: the device's traffic now comes from another port. The old socket is closed; so is
   * the observation on it (the ingress observes again on the update that follows).
   */
  async rebind(): Promise<void> {
    this.closeSocket();
    this.observer = undefined;
    await this.bind();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.closeSocket();
  }

  /** Waits until `count` commands arrived (or throws after `timeoutMs`). */
  async waitForCommands(count: number, timeoutMs = 5_000): Promise<ReceivedCommand[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.commands.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.options.nodeId}: ${this.commands.length}/${count} commands`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.commands.slice(0, count);
  }

  private async bind(): Promise<void> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    // node-coap's Agent asks for the bound address on every datagram: one getsockname syscall each.
    const bound = socket.address();
    socket.address = () => bound;
    this.socket = socket;
    // A long piggy-back window: the device answers at once, and a device that never answers (never-ack)
    // must not have node-coap acknowledge for it.
    this.server = new Server({ piggybackReplyMs: 60_000 });
    this.agent = new Agent({ socket: this.socket });
    this.server.on('error', () => {});
    this.agent.on('error', () => {});
    this.server.on('request', (req: IncomingMessage, res: OutgoingMessage) => this.serve(req, res));
    this.server.listen(this.socket);
  }

  private closeSocket(): void {
    this.server.close();
    this.agent.close();
    this.socket.close();
  }

  private serve(req: IncomingMessage, res: OutgoingMessage): void {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/19/0/0' && req.headers.Observe === 0) {
      this.observer = res as unknown as ObserveWriteStream;
      // The answer to the GET: the resource's current value (nothing reported yet).
      if (!this.options.deferObserveAnswer) this.observer.write(Buffer.alloc(0));
      const queued = this.notifyQueue;
      this.notifyQueue = [];
      for (const { payload, contentFormat } of queued) this.notify(payload, contentFormat);
      return;
    }
    if (req.method === 'PUT' && path === '/19/1/0') {
      this.onWrite(req, res);
      return;
    }
    res.code = '4.04';
    res.end();
  }

  private onWrite(req: IncomingMessage, res: OutgoingMessage): void {
    const format = contentFormat(req.headers['Content-Format']);
    let handled: ReturnType<CommandHandler>;
    try {
      handled = this.options.handler(req.payload, format);
    } catch {
      res.code = '4.00';
      res.end();
      return;
    }
    this.writeMids.push(handled.mid);
    const { behaviour } = this.options;
    if (behaviour === 'never-ack') {
      // Keep node-coap from sending the empty ACK of a slow handler.
      clearTimeout(res._ackTimer ?? undefined);
      res._ackTimer = null;
      return;
    }
    if (behaviour === 'reject') {
      res.code = '4.00';
      res.end();
      return;
    }
    res.code = '2.04';
    res.end();
    const { mid } = handled;
    if (this.results.has(mid)) {
      // A repeated write (the ingress restarted or lost our ACK): answer again, do not execute again.
      const result = this.results.get(mid);
      if (result) this.notify(result.payload, result.contentFormat);
      return;
    }
    const command: ReceivedCommand = { mid, payload: req.payload, contentFormat: format, at: performance.now() };
    if (format === JSON_FORMAT) command.message = JSON.parse(req.payload.toString('utf8')) as Record<string, unknown>;
    this.commands.push(command);
    this.emit('command', command);
    const result = behaviour === 'ack-no-result' ? undefined : handled.result;
    this.results.set(mid, result ?? null);
    if (!result) return;
    const report = (): void => {
      this.notify(result.payload, result.contentFormat);
      this.emit('answered', command);
    };
    if (this.options.resultDelayMs <= 0) {
      report();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      report();
    }, this.options.resultDelayMs);
    this.timers.add(timer);
  }

  private send(request: {
    method: 'POST' | 'DELETE';
    pathname: string;
    query?: string;
    options?: Record<string, string>;
    payload?: Buffer;
    onAnswer?: (res: IncomingMessage) => void;
  }): Promise<CoapAnswer> {
    return new Promise((resolve, reject) => {
      const req = this.agent.request({
        hostname: this.options.host,
        port: this.options.port,
        method: request.method,
        pathname: request.pathname,
        confirmable: true,
        ...(request.query ? { query: request.query } : {}),
        ...(request.options ? { options: request.options } : {}),
      });
      const timer = setTimeout(() => {
        this.agent.abort(req);
        reject(new Error(`${this.options.nodeId}: no answer to ${request.method} ${request.pathname}`));
      }, this.options.requestTimeoutMs);
      req.on('response', (res: IncomingMessage) => {
        clearTimeout(timer);
        request.onAnswer?.(res);
        const maxAge = res.headers['Max-Age'];
        resolve({ code: res.code, payload: res.payload, ...(typeof maxAge === 'number' ? { maxAgeS: maxAge } : {}) });
      });
      req.on('error', () => {});
      req.end(request.payload);
    });
  }
}
