/**
 * The device's CoAP message layer against a hand-driven peer on a raw UDP socket (an ingress that
 * answers, or does not, exactly as a test says): retransmission, separate responses, deduplication,
 * RST, observe and notifications.
 */
import { createSocket, type Socket } from 'node:dgram';
import { generate, type NamedOption, type Packet, type ParsedPacket, parse } from 'coap-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedDevice, type SimulatedDeviceOptions } from '../src/index.js';

interface Received {
  packet: ParsedPacket;
  raw: Buffer;
  at: number;
}

/** The ingress side, by hand. */
class Peer {
  readonly received: Received[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('message', (raw: Buffer) => this.received.push({ packet: parse(raw), raw, at: performance.now() }));
  }

  static async open(): Promise<Peer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Peer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(to: number, packet: Packet): Buffer {
    const raw = generate({ token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0), ...packet });
    this.sendRaw(to, raw);
    return raw;
  }

  sendRaw(to: number, raw: Buffer): void {
    this.socket.send(raw, to, '127.0.0.1');
  }

  /** The `count`-th datagram (1-based) matching `match`, once it arrived. */
  async next(match: (packet: ParsedPacket) => boolean, count = 1, timeoutMs = 2_000): Promise<Received> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter((r) => match(r.packet));
      if (found.length >= count) return found[count - 1] as Received;
      if (performance.now() > deadline) throw new Error(`${found.length}/${count} matching datagrams`);
      await sleep(2);
    }
  }

  count(match: (packet: ParsedPacket) => boolean): number {
    return this.received.filter((r) => match(r.packet)).length;
  }

  close(): void {
    this.socket.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isCode = (code: string) => (p: ParsedPacket) => p.code === code;
const option = (p: ParsedPacket, name: string) => p.options.find((o) => o.name === name)?.value;
const path = (...segments: string[]): NamedOption[] =>
  segments.map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) }));
const OBSERVE_REGISTER: NamedOption = { name: 'Observe', value: Buffer.alloc(0) };
const JSON_FORMAT: NamedOption = { name: 'Content-Format', value: Buffer.of(50) };

describe('CoAP transport of a simulated device', () => {
  const opened: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const item of opened.splice(0)) await item.close();
  });

  async function setup(options: Partial<SimulatedDeviceOptions> = {}) {
    const peer = await Peer.open();
    const device = await SimulatedDevice.open({ nodeId: 'dev', host: '127.0.0.1', port: peer.port, ...options });
    opened.push(peer, device);
    return { peer, device };
  }

  /** The peer observes /19/0/0 and returns the ACK and the observe's token. */
  async function observe(peer: Peer, device: SimulatedDevice, messageId = 0x1000) {
    const token = Buffer.of(0xab, 0xcd);
    const get = peer.send(device.localPort, {
      code: 'GET',
      confirmable: true,
      messageId,
      token,
      options: [OBSERVE_REGISTER, ...path('19', '0', '0')],
    });
    return { get, token };
  }

  it('retransmits an unanswered CON request with exponential backoff until a piggy-backed answer', async () => {
    const { peer, device } = await setup({ timing: { ackTimeoutMs: 40, ackRandomFactor: 1, maxRetransmit: 3 } });
    const registered = device.register();
    const third = await peer.next(isCode('0.02'), 3);
    const [first, second] = [await peer.next(isCode('0.02'), 1), await peer.next(isCode('0.02'), 2)];
    // Timers of 40 then 80 ms; receive times carry the test process's scheduling delays (a loaded CI
    // machine delayed the first receive by 6 ms), hence the slack. Without backoff the second gap would be 40.
    expect(second.at - first.at).toBeGreaterThanOrEqual(25);
    expect(third.at - second.at).toBeGreaterThanOrEqual(60);
    expect(third.at - first.at).toBeGreaterThanOrEqual(100);
    expect(new Set([first, second, third].map((r) => r.raw.toString('hex'))).size).toBe(1);
    expect(option(first.packet, 'Content-Format')).toEqual(Buffer.of(40));
    expect(first.packet.options.filter((o) => o.name === 'Uri-Query').map((o) => o.value.toString())).toEqual([
      'ep=dev',
      'lt=300',
      'lwm2m=1.0',
      'b=U',
    ]);
    expect(first.packet.payload.toString()).toBe('</19/0/0>,</19/1/0>');
    peer.send(device.localPort, {
      code: '2.01',
      ack: true,
      messageId: first.packet.messageId,
      token: first.packet.token,
      options: [
        { name: 'Location-Path', value: Buffer.from('rd') },
        { name: 'Location-Path', value: Buffer.from('r1') },
      ],
    });
    expect((await registered).code).toBe('2.01');
    expect(device.registrationId).toBe('r1');
    await sleep(200);
    expect(peer.count(isCode('0.02'))).toBe(3);
  });

  it('gives up after MAX_RETRANSMIT retransmissions; the request fails at its timeout', async () => {
    const { peer, device } = await setup({
      timing: { ackTimeoutMs: 20, ackRandomFactor: 1, maxRetransmit: 2 },
      requestTimeoutMs: 400,
    });
    const started = performance.now();
    await expect(device.register()).rejects.toThrow('dev: no answer to POST /rd');
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(peer.count(isCode('0.02'))).toBe(3);
  });

  it('takes a separate response after an empty ACK, and acknowledges it again when it is repeated', async () => {
    const { peer, device } = await setup();
    const updated = device.update({ lifetimeS: 60 });
    const { packet: request } = await peer.next(isCode('0.02'));
    expect(request.options.filter((o) => o.name === 'Uri-Path').map((o) => o.value.toString())).toEqual(['rd', 'none']);
    peer.send(device.localPort, { code: '0.00', ack: true, messageId: request.messageId });
    await sleep(20);
    const response = peer.send(device.localPort, {
      code: '2.04',
      confirmable: true,
      messageId: 0x2222,
      token: request.token,
      options: [{ name: 'Max-Age', value: Buffer.of(7) }],
    });
    expect(await updated).toMatchObject({ code: '2.04', maxAgeS: 7 });
    const ack = await peer.next((p) => p.ack && p.messageId === 0x2222);
    expect(ack.packet.code).toBe('0.00');
    peer.sendRaw(device.localPort, response);
    await peer.next((p) => p.ack && p.messageId === 0x2222, 2);
    expect(peer.count(isCode('0.02'))).toBe(1);
  });

  it('resets a response nobody asked for, and a CoAP ping', async () => {
    const { peer, device } = await setup();
    peer.send(device.localPort, { code: '2.05', confirmable: true, messageId: 0x3333, token: Buffer.of(1, 2, 3, 4) });
    peer.send(device.localPort, { code: '2.05', messageId: 0x3334, token: Buffer.of(9) });
    peer.send(device.localPort, { code: '0.00', confirmable: true, messageId: 0x3335 });
    for (const messageId of [0x3333, 0x3334, 0x3335]) await peer.next((p) => p.reset && p.messageId === messageId);
  });

  it('serves the observe piggy-backed, answers a duplicate GET alike, and numbers notifications upwards', async () => {
    const { peer, device } = await setup();
    const { get, token } = await observe(peer, device);
    const answer = await peer.next((p) => p.ack && p.messageId === 0x1000);
    expect(answer.packet).toMatchObject({ code: '2.05', token });
    expect(option(answer.packet, 'Observe')).toEqual(Buffer.of(1));
    expect(device.observed).toBe(true);
    peer.sendRaw(device.localPort, get);
    expect((await peer.next((p) => p.ack && p.messageId === 0x1000, 2)).raw).toEqual(answer.raw);
    device.sendData({ level: 3 });
    device.sendData({ level: 4 });
    const notification = (n: number) => peer.next((p) => !p.ack && p.code === '2.05', n);
    const [first, second] = [await notification(1), await notification(2)];
    expect(first.packet).toMatchObject({ confirmable: false, token, payload: Buffer.from('{"level":3}') });
    expect(option(first.packet, 'Content-Format')).toEqual(Buffer.of(50));
    expect([option(first.packet, 'Observe'), option(second.packet, 'Observe')]).toEqual([Buffer.of(2), Buffer.of(3)]);
    expect(second.packet.messageId).not.toBe(first.packet.messageId);
  });

  it('acknowledges a write, reports its result; a retransmission is answered from the cache, a repeated mid is not executed again', async () => {
    const { peer, device } = await setup();
    const { token } = await observe(peer, device);
    await peer.next((p) => p.ack && p.messageId === 0x1000);
    const write = (messageId: number) =>
      peer.send(device.localPort, {
        code: 'PUT',
        confirmable: true,
        messageId,
        token: Buffer.of(7, messageId & 0xff),
        options: [...path('19', '1', '0'), JSON_FORMAT],
        payload: Buffer.from(JSON.stringify({ mid: 7, command_name: 'ON_OFF', paras: {} })),
      });
    const isResult = (p: ParsedPacket) => !p.ack && p.code === '2.05' && p.payload.length > 0;
    const first = write(0x4001);
    const ack = await peer.next((p) => p.ack && p.messageId === 0x4001);
    expect(ack.packet.code).toBe('2.04');
    const result = await peer.next(isResult);
    expect(result.packet.token).toEqual(token);
    expect(JSON.parse(result.packet.payload.toString())).toEqual({ mid: 7, errcode: 0, body: { executed: 'ON_OFF' } });
    peer.sendRaw(device.localPort, first);
    expect((await peer.next((p) => p.ack && p.messageId === 0x4001, 2)).raw).toEqual(ack.raw);
    write(0x4002);
    await peer.next((p) => p.ack && p.messageId === 0x4002);
    expect((await peer.next(isResult, 2)).packet.payload).toEqual(result.packet.payload);
    expect(device.commands.map((c) => c.mid)).toEqual([7]);
    expect(device.writeMids).toEqual([7, 7]);
    expect(peer.count(isResult)).toBe(2);
  });

  it('retransmits a CON notification until acknowledged; an RST ends the observation', async () => {
    const { peer, device } = await setup({
      confirmableNotifications: true,
      timing: { ackTimeoutMs: 30, ackRandomFactor: 1, maxRetransmit: 2 },
    });
    await observe(peer, device);
    await peer.next((p) => p.ack && p.messageId === 0x1000);
    const isNotification = (p: ParsedPacket) => p.confirmable && p.code === '2.05';
    device.sendData({ n: 1 });
    const [first, again] = [await peer.next(isNotification), await peer.next(isNotification, 2)];
    expect(again.raw).toEqual(first.raw);
    peer.send(device.localPort, { code: '0.00', ack: true, messageId: first.packet.messageId });
    await sleep(150);
    expect(peer.count(isNotification)).toBe(2);
    device.sendData({ n: 2 });
    const second = await peer.next(isNotification, 3);
    peer.send(device.localPort, { code: '0.00', reset: true, messageId: second.packet.messageId });
    await sleep(20);
    expect(device.observed).toBe(false);
    device.sendData({ n: 3 });
    await sleep(150);
    expect(peer.count(isNotification)).toBe(3);
  });

  it('an RST to a NON notification ends the observation too', async () => {
    const { peer, device } = await setup();
    await observe(peer, device);
    await peer.next((p) => p.ack && p.messageId === 0x1000);
    device.sendData({ n: 1 });
    const notification = await peer.next((p) => !p.ack && p.code === '2.05');
    peer.send(device.localPort, { code: '0.00', reset: true, messageId: notification.packet.messageId });
    await sleep(20);
    expect(device.observed).toBe(false);
  });

  it('holds the observe answer back until the first notification, which carries the GET id and token', async () => {
    const { peer, device } = await setup({ deferObserveAnswer: true });
    const { token } = await observe(peer, device, 0x5005);
    await sleep(50);
    expect(peer.received).toHaveLength(0);
    device.sendData({ first: true });
    const first = await peer.next(isCode('2.05'));
    expect(first.packet).toMatchObject({ ack: false, confirmable: false, messageId: 0x5005, token });
    expect(option(first.packet, 'Observe')).toEqual(Buffer.of(1));
  });

  it('answers other resources 4.04', async () => {
    const { peer, device } = await setup();
    peer.send(device.localPort, { code: 'GET', confirmable: true, messageId: 0x6006, options: path('3', '0', '0') });
    expect((await peer.next((p) => p.ack && p.messageId === 0x6006)).packet.code).toBe('4.04');
  });
});
