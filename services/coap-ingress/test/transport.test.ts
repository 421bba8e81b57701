/**
 * The ingress's side of its message layer (transport/coap-transport.ts), driven datagram by datagram
 * through an in-memory link: what the device simulator's tests cannot show, because a device never
 * observes anyone and never has thousands of peers.
 */
import { generate, type Packet, type ParsedPacket, parse } from 'coap-packet';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoapEndpoint } from '../src/endpoint.js';
import { observeUplink } from '../src/resources/observe-uplink.js';
import { uintOption } from '../src/transport/coap-options.js';
import { CoapTransport, type Peer } from '../src/transport/coap-transport.js';

const DEVICE: Peer = { address: '192.0.2.7', port: 40_000 };
const TIMING = { ackTimeoutMs: 1_000, ackRandomFactor: 1, maxRetransmit: 2 };

class Wire {
  readonly sent: ParsedPacket[] = [];
  readonly link = { send: (datagram: Buffer) => void this.sent.push(parse(datagram)), close: () => {} };

  last(): ParsedPacket {
    return this.sent.at(-1) as ParsedPacket;
  }
}

function datagram(packet: Partial<Packet>): Buffer {
  return generate({ token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0), messageId: 1, ...packet });
}

const open: CoapTransport[] = [];
function transportOn(wire: Wire): CoapTransport {
  const transport = new CoapTransport(
    wire.link,
    TIMING,
    { onRequest: () => {}, onReset: () => {} },
    { matchPeerAddress: true },
  );
  open.push(transport);
  return transport;
}

afterEach(() => {
  for (const transport of open.splice(0)) transport.close();
});

describe('the ingress message layer', () => {
  it('gives each request a token with 32 random bits, and refuses a response that guesses only the counter', () => {
    const wire = new Wire();
    const transport = transportOn(wire);
    const answers: (ParsedPacket | undefined)[] = [];
    transport.request(DEVICE, { code: 'GET' }, 10_000, (response) => answers.push(response));
    transport.request(DEVICE, { code: 'GET' }, 10_000, () => {});
    const [first, second] = wire.sent as [ParsedPacket, ParsedPacket];
    expect(first.token).toHaveLength(8);
    expect(first.token.readUInt32BE(0) + 1).toBe(second.token.readUInt32BE(0));
    expect(first.token.subarray(4).equals(second.token.subarray(4))).toBe(false);

    const forged = Buffer.from(first.token);
    forged[7] = (forged[7] as number) ^ 1;
    transport.receive(datagram({ confirmable: true, code: '2.05', messageId: 900, token: forged }), DEVICE);
    expect(wire.last()).toMatchObject({ reset: true, messageId: 900 });
    expect(answers).toEqual([]);

    transport.receive(datagram({ confirmable: true, code: '2.05', messageId: 901, token: first.token }), DEVICE);
    expect(wire.last()).toMatchObject({ ack: true, messageId: 901 });
    expect(answers.map((a) => a?.code)).toEqual(['2.05']);
  });

  it('settles a CON only with an ACK from the address it went to, not from another device on the same port', () => {
    const wire = new Wire();
    const transport = transportOn(wire);
    const answers: string[] = [];
    transport.request(DEVICE, { code: 'PUT' }, 10_000, (r) => answers.push(r?.code ?? 'timeout'));
    const { messageId, token } = wire.last();
    const neighbour: Peer = { address: '192.0.2.8', port: DEVICE.port };
    transport.receive(datagram({ ack: true, code: '2.04', messageId, token }), neighbour);
    expect(answers).toEqual([]);
    transport.receive(datagram({ ack: true, code: '2.04', messageId, token }), DEVICE);
    expect(answers).toEqual(['2.04']);
  });

  it('keeps an observation open for every notification until it is forgotten; later ones get an RST', () => {
    const wire = new Wire();
    const transport = transportOn(wire);
    const seen: string[] = [];
    const forget = transport.observe(DEVICE, { code: 'GET', options: [uintOption('Observe', 0)] }, 10_000, (r) =>
      seen.push(r?.payload.toString() ?? 'timeout'),
    );
    const request = wire.last();
    // Empty ACK first: the answer comes later, as a CON notification.
    transport.receive(datagram({ ack: true, code: '0.00', messageId: request.messageId }), DEVICE);
    const notify = (messageId: number, sequence: number, payload: string) =>
      transport.receive(
        datagram({
          confirmable: true,
          code: '2.05',
          messageId,
          token: request.token,
          options: [uintOption('Observe', sequence)],
          payload: Buffer.from(payload),
        }),
        DEVICE,
      );
    notify(10, 1, 'first');
    notify(11, 2, 'second');
    notify(11, 2, 'second'); // a retransmission: acknowledged again, not delivered twice
    expect(seen).toEqual(['first', 'second']);
    expect(wire.sent.filter((p) => p.ack && p.messageId === 11)).toHaveLength(2);

    forget();
    notify(12, 3, 'third');
    expect(seen).toEqual(['first', 'second']);
    expect(wire.last()).toMatchObject({ reset: true, messageId: 12 });
  });

  it('ends an observation on a response that is not a notification', () => {
    const wire = new Wire();
    const transport = transportOn(wire);
    const codes: string[] = [];
    transport.observe(DEVICE, { code: 'GET', options: [uintOption('Observe', 0)] }, 10_000, (r) =>
      codes.push(r?.code ?? 'timeout'),
    );
    const request = wire.last();
    transport.receive(
      datagram({ ack: true, code: '4.04', messageId: request.messageId, token: request.token }),
      DEVICE,
    );
    transport.receive(datagram({ code: '2.05', messageId: 77, token: request.token }), DEVICE);
    expect(codes).toEqual(['4.04']);
    expect(wire.last()).toMatchObject({ reset: true, messageId: 77 });
  });

  it('never reuses the message id of a CON still waiting for its ACK when the counter wraps', () => {
    const wire = new Wire();
    const transport = transportOn(wire);
    const asleep: string[] = [];
    transport.request(DEVICE, { code: 'PUT' }, 60_000, (r) => asleep.push(r?.code ?? 'timeout'));
    const waiting = wire.last().messageId;
    // 65,535 more CONs, each acknowledged at once by its (awake) device.
    for (let i = 0; i < 0xffff; i++) {
      transport.request(DEVICE, { code: 'PUT' }, 60_000, () => {});
      const sent = wire.last();
      transport.receive(datagram({ ack: true, code: '2.04', messageId: sent.messageId, token: sent.token }), DEVICE);
    }
    transport.request(DEVICE, { code: 'PUT' }, 60_000, () => {});
    expect(wire.last().messageId).not.toBe(waiting);
    expect(wire.last().messageId).toBe((waiting + 1) & 0xffff);
    // The sleeping device's ACK still finds its own CON.
    transport.receive(datagram({ ack: true, code: '2.04', messageId: waiting, token: wire.sent[0]?.token }), DEVICE);
    expect(asleep).toEqual(['2.04']);
  });
});

describe('observing /19/0/0', () => {
  it('drops a notification that arrives after a newer one (RFC 7641 §3.4), and stops on a non-notification', () => {
    let deliver: ((response: ParsedPacket | undefined) => void) | undefined;
    const endpoint = {
      observe: (_peer: Peer, _message: unknown, onResponse: (response: ParsedPacket | undefined) => void) => {
        deliver = onResponse;
        return () => {};
      },
    } as unknown as CoapEndpoint;
    const payloads: string[] = [];
    const failures: string[] = [];
    observeUplink(endpoint, DEVICE, {
      onNotification: (payload, contentFormat) => payloads.push(`${payload}/${contentFormat}`),
      onFailed: (reason) => failures.push(reason),
    });
    const notification = (sequence: number, payload: string) =>
      parse(
        datagram({
          code: '2.05',
          options: [uintOption('Observe', sequence), uintOption('Content-Format', 50)],
          payload: Buffer.from(payload),
        }),
      );
    deliver?.(notification(5, 'a'));
    deliver?.(notification(7, 'c'));
    deliver?.(notification(6, 'b'));
    deliver?.(notification(7, 'c-again'));
    // Serial arithmetic on 24 bits: up to 2²³ − 1 ahead is newer, and the sequence wraps.
    deliver?.(notification(0x7ffff0, 'd'));
    deliver?.(notification(0xffff00, 'e'));
    deliver?.(notification(3, 'f'));
    deliver?.(notification(0xffff01, 'stale'));
    expect(payloads).toEqual(['a/50', 'c/50', 'd/50', 'e/50', 'f/50']);

    deliver?.(parse(datagram({ code: '5.03' })));
    deliver?.(notification(4, 'g'));
    expect(failures).toEqual(['observe answered 5.03']);
    expect(payloads).toHaveLength(5);
  });
});
