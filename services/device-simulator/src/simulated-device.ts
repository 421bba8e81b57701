/**
 * A simulated NB-IoT device: a real LwM2M 1.0 client over CoAP/UDP with its own socket (as a device
 * behind NAT has its own public port). It registers, serves the observe of /19/0/0, executes writes of
 * /19/1/0 (JSON by default) and reports results as notifications. Behaviours let tests make it
 * misbehave as real devices do.
 */
import { EventEmitter } from 'node:events';
import { type CoapTiming, RFC7252_TIMING } from '@snooze/coap-ingress/coap-timing';
import {
  type IncomingRequest,
  isUriPath,
  optionStrings,
  stringOption,
  stringOptions,
  UdpCoapTransport,
  uintOption,
  uintValue,
} from '@snooze/coap-ingress/transport';
import type { NamedOption, ParsedPacket } from 'coap-packet';
import { ObservableResource } from './observable-resource.js';

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
  /** Gives up on a request to the ingress after this long (CoAP retransmits it meanwhile). */
  requestTimeoutMs?: number;
  /** CoAP timing of the device's own CON messages (requests, CON notifications); RFC 7252's by default. */
  timing?: CoapTiming;
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

const JSON_FORMAT = 50;
/** The parts of a registration that never change, encoded once. */
const RD_PATH = stringOption('Uri-Path', 'rd');
const LWM2M_VERSION = stringOption('Uri-Query', 'lwm2m=1.0');
const LINK_FORMAT = uintOption('Content-Format', 40);
const OBJECT_LINKS = Buffer.from('</19/0/0>,</19/1/0>');
const GET = '0.01';
const PUT = '0.03';
const UPLINK = ['19', '0', '0'];
const DOWNLINK = ['19', '1', '0'];

function answerOf(response: ParsedPacket): CoapAnswer {
  const answer: CoapAnswer = { code: response.code, payload: response.payload };
  const maxAgeS = uintValue(response, 'Max-Age');
  if (maxAgeS !== undefined) answer.maxAgeS = maxAgeS;
  return answer;
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
  private transport!: UdpCoapTransport;
  private readonly uplink = new ObservableResource();
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
      timing: RFC7252_TIMING,
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
    return this.transport.port;
  }

  get observed(): boolean {
    return this.uplink.observed;
  }

  /** `POST /rd?ep=...`; resolves with the answer (2.01 and the registration id on success). */
  async register(): Promise<CoapAnswer> {
    const { nodeId, lifetimeS, binding } = this.options;
    this.wokeAt = performance.now();
    const options = [
      RD_PATH,
      stringOption('Uri-Query', `ep=${encodeURIComponent(nodeId)}`),
      stringOption('Uri-Query', `lt=${lifetimeS}`),
      LWM2M_VERSION,
      stringOption('Uri-Query', `b=${binding}`),
      LINK_FORMAT,
    ];
    const response = await this.request('POST', options, OBJECT_LINKS);
    const location = optionStrings(response.options, 'Location-Path');
    if (response.code === '2.01' && location[0] === 'rd' && location[1]) this.registrationId = location[1];
    return answerOf(response);
  }

  /** `POST /rd/<id>` (optionally with a new lifetime or binding). */
  async update(changes: { lifetimeS?: number; binding?: 'U' | 'UQ' } = {}): Promise<CoapAnswer> {
    const query: string[] = [];
    if (changes.lifetimeS !== undefined) query.push(`lt=${changes.lifetimeS}`);
    if (changes.binding !== undefined) query.push(`b=${changes.binding}`);
    this.wokeAt = performance.now();
    return answerOf(await this.request('POST', [...this.registrationPath(), ...stringOptions('Uri-Query', query)]));
  }

  /** `DELETE /rd/<id>`; the device also forgets its observer, unless told to misbehave and keep it. */
  async deregister(options: { keepObserver?: boolean } = {}): Promise<CoapAnswer> {
    const answer = answerOf(await this.request('DELETE', this.registrationPath()));
    if (answer.code === '2.02') {
      this.registrationId = undefined;
      if (!options.keepObserver) this.uplink.forget();
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
    // NON by default, as IoTDA devices send them.
    this.uplink.notify(payload, format, this.options.confirmableNotifications);
  }

  /**
   * NAT rebinding: the device's traffic now comes from another port. The old socket is closed; so is
   * the observation on it (the ingress observes again on the update that follows).
   */
  async rebind(): Promise<void> {
    this.transport.close();
    this.uplink.forget();
    await this.bind();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.transport.close();
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
    this.transport = await UdpCoapTransport.open('127.0.0.1', this.options.timing, {
      onRequest: (request) => this.serve(request),
      onReset: (messageId, peer) => this.uplink.onReset(messageId, peer),
    });
  }

  private serve(request: IncomingRequest): void {
    const { packet } = request;
    if (packet.code === GET && isUriPath(packet, UPLINK) && uintValue(packet, 'Observe') === 0) {
      const { deferObserveAnswer, confirmableNotifications } = this.options;
      this.uplink.observe(this.transport, request, deferObserveAnswer, confirmableNotifications);
      return;
    }
    if (packet.code === PUT && isUriPath(packet, DOWNLINK)) {
      this.onWrite(request);
      return;
    }
    this.transport.answer(request, { code: '4.04' });
  }

  private onWrite(request: IncomingRequest): void {
    const { payload } = request.packet;
    const format = uintValue(request.packet, 'Content-Format');
    let handled: ReturnType<CommandHandler>;
    try {
      handled = this.options.handler(payload, format);
    } catch {
      this.transport.answer(request, { code: '4.00' });
      return;
    }
    this.writeMids.push(handled.mid);
    const { behaviour } = this.options;
    // Unanswered, so each retransmission of the write arrives here again.
    if (behaviour === 'never-ack') return;
    if (behaviour === 'reject') {
      this.transport.answer(request, { code: '4.00' });
      return;
    }
    this.transport.answer(request, { code: '2.04' });
    const { mid } = handled;
    if (this.results.has(mid)) {
      // A repeated write (the ingress restarted or lost our ACK): answer again, do not execute again.
      const result = this.results.get(mid);
      if (result) this.notify(result.payload, result.contentFormat);
      return;
    }
    const command: ReceivedCommand = { mid, payload, contentFormat: format, at: performance.now() };
    if (format === JSON_FORMAT) command.message = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    this.commands.push(command);
    this.emit('command', command);
    const result = behaviour === 'ack-no-result' ? undefined : handled.result;
    this.results.set(mid, result ?? null);
    if (!result) return;
    if (this.options.resultDelayMs <= 0) {
      this.report(command, result);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.report(command, result);
    }, this.options.resultDelayMs);
    this.timers.add(timer);
  }

  private report(command: ReceivedCommand, result: { payload: Buffer; contentFormat: number }): void {
    this.notify(result.payload, result.contentFormat);
    this.emit('answered', command);
  }

  private registrationPath(): NamedOption[] {
    return stringOptions('Uri-Path', ['rd', this.registrationId ?? 'none']);
  }

  private request(method: 'POST' | 'DELETE', options: NamedOption[], payload?: Buffer): Promise<ParsedPacket> {
    const { host, port, requestTimeoutMs, nodeId } = this.options;
    return new Promise((resolve, reject) => {
      this.transport.request(
        { address: host, port },
        { code: method, options, payload },
        requestTimeoutMs,
        (response) => {
          if (response) resolve(response);
          else reject(new Error(`${nodeId}: no answer to ${method} /${optionStrings(options, 'Uri-Path').join('/')}`));
        },
      );
    });
  }
}
