import { candidateMid } from '@snooze/core';
import { describe, expect, it, vi } from 'vitest';
import { toCoapError } from '../src/coap-errors.js';
import { maxTransmitSpanMs, maxTransmitWaitMs, RFC7252_TIMING } from '../src/coap-timing.js';
import { loadIngressConfig } from '../src/config.js';
import { routeOf } from '../src/datagram-check.js';
import { parseLinkFormat } from '../src/link-format.js';
import { DEDUPE_WINDOW_MS, NB_IOT_TIMING, piggybackWindowMs, QUEUE_MODE_AWAKE_MS } from '../src/parameters.js';
import type { Peer } from '../src/transport/coap-transport.js';
import { RecentMap } from '../src/transport/recent-map.js';
import { ReplyCache } from '../src/transport/reply-cache.js';
import { encode, OPTION } from './raw-coap.js';

describe('CoAP timing (parameters.ts)', () => {
  it('derives RFC 7252 figures', () => {
    expect(maxTransmitSpanMs(RFC7252_TIMING)).toBe(45_000);
    expect(maxTransmitWaitMs(RFC7252_TIMING)).toBe(93_000);
    expect(QUEUE_MODE_AWAKE_MS).toBe(93_000);
    expect(DEDUPE_WINDOW_MS).toBe(45_000);
  });

  it('gives up on a write before the core times the command out', () => {
    expect(maxTransmitWaitMs(NB_IOT_TIMING)).toBe(21_000);
    expect(maxTransmitWaitMs(NB_IOT_TIMING)).toBeLessThan(30_000);
    expect(piggybackWindowMs(NB_IOT_TIMING)).toBe(1_000);
  });
});

describe('datagram check', () => {
  it('tells requests from responses and empty messages', () => {
    expect(routeOf(encode({ code: '0.02', messageId: 1, options: [[OPTION.uriPath, 'rd']] }))).toBe('request');
    expect(routeOf(encode({ type: 1, code: '0.01', messageId: 1 }))).toBe('request');
    expect(routeOf(encode({ type: 2, code: '2.04', messageId: 1 }))).toBe('response');
    expect(routeOf(encode({ type: 2, code: '0.00', messageId: 1 }))).toBe('response');
    expect(routeOf(encode({ type: 3, code: '0.00', messageId: 1 }))).toBe('response');
    expect(routeOf(encode({ type: 1, code: '2.05', messageId: 1, token: Buffer.of(1) }))).toBe('response');
  });

  it('calls malformed what no CoAP peer may send', () => {
    expect(routeOf(Buffer.of(0x40, 0x01, 0x00))).toBe('malformed');
    expect(routeOf(Buffer.of(0x80, 0x01, 0x00, 0x01))).toBe('malformed');
    expect(routeOf(Buffer.of(0x49, 0x01, 0x00, 0x01))).toBe('malformed');
    expect(routeOf(Buffer.of(0x42, 0x01, 0x00, 0x01, 0xaa))).toBe('malformed');
    expect(routeOf(encode({ type: 2, code: '0.01', messageId: 1 }))).toBe('malformed');
    expect(routeOf(encode({ code: '1.00', messageId: 1 }))).toBe('malformed');
    expect(routeOf(encode({ code: '7.00', messageId: 1 }))).toBe('malformed');
  });
});

describe('link format', () => {
  it('reads the object links of a registration', () => {
    expect(parseLinkFormat('</19/0/0>,</19/1/0>')).toEqual(['/19/0/0', '/19/1/0']);
    expect(parseLinkFormat('</>;rt="oma.lwm2m";ct=11543, </1/0>,</3/0>')).toEqual(['/', '/1/0', '/3/0']);
    expect(parseLinkFormat('</a>;title="x,y"')).toEqual(['/a']);
    expect(parseLinkFormat('')).toEqual([]);
  });

  it('refuses what is not link format', () => {
    expect(parseLinkFormat('not-a-link')).toBeUndefined();
    expect(parseLinkFormat('<19/0/0>')).toBeUndefined();
    expect(parseLinkFormat('</19/0/0>,')).toBeUndefined();
    expect(parseLinkFormat('</19/0/0>;=x')).toBeUndefined();
  });
});

describe('small pieces', () => {
  it('keeps candidate mids in 1..65535 and stable per command', () => {
    for (const id of ['a', 'b', '0194f0c2-7d3c-7000-8000-000000000000']) {
      const mid = candidateMid(id);
      expect(mid).toBeGreaterThanOrEqual(1);
      expect(mid).toBeLessThanOrEqual(65_535);
      expect(candidateMid(id)).toBe(mid);
    }
  });

  it('turns unexpected failures into 5.03 (retry later)', () => {
    expect(toCoapError(new Error('ECONNREFUSED')).code).toBe('5.03');
  });
});

describe('configuration', () => {
  it('has defaults for everything', () => {
    const config = loadIngressConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 5683, redisKeyPrefix: 'snooze:', partitions: 16 });
    expect(config.timing).toEqual(NB_IOT_TIMING);
    expect(config.piggybackMs).toBe(1_000);
    expect(config.redisUrl).toBeUndefined();
    expect(config.ingressId).toMatch(/-\d+$/);
  });

  it('reads the environment', () => {
    const config = loadIngressConfig({
      COAP_PORT: '0',
      COAP_ACK_TIMEOUT_MS: '500',
      COAP_ACK_RANDOM_FACTOR: '1.25',
      CODECS: 'meter:water-meter',
      REDIS_URL: 'redis://127.0.0.1:6379',
      INGRESS_ID: 'ingress-a',
    });
    expect(config).toMatchObject({ port: 0, ingressId: 'ingress-a', codecs: 'meter:water-meter', piggybackMs: 250 });
    expect(config.timing).toEqual({ ackTimeoutMs: 500, ackRandomFactor: 1.25, maxRetransmit: 2 });
  });

  it('stops at boot on invalid values, naming the variable', () => {
    expect(() => loadIngressConfig({ COAP_PORT: 'x' })).toThrow(/COAP_PORT/);
    expect(() => loadIngressConfig({ COAP_ACK_RANDOM_FACTOR: '0.5' })).toThrow(/COAP_ACK_RANDOM_FACTOR/);
    expect(() => loadIngressConfig({ PARTITIONS: '0' })).toThrow(/PARTITIONS/);
  });
});

describe('RecentMap', () => {
  it('keeps an entry at least a window after it was set and forgets it within two', () => {
    let now = 0;
    const map = new RecentMap<string, number>(100, () => now);
    map.set('a', 1);
    now = 99;
    map.set('b', 2);
    now = 100;
    expect([map.get('a'), map.get('b')]).toEqual([1, 2]);
    map.set('a', 3);
    now = 199;
    expect([map.get('a'), map.get('b')]).toEqual([3, 2]);
    now = 200;
    expect([map.get('a'), map.get('b')]).toEqual([3, undefined]);
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
  });

  it('forgets everything after two windows without a look', () => {
    let now = 0;
    const map = new RecentMap<string, number>(100, () => now);
    map.set('a', 1);
    now = 250;
    expect(map.get('a')).toBeUndefined();
  });
});

describe('ReplyCache', () => {
  it('answers a retransmission with the same reply for its lifetime exactly, then no more', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const cache = new ReplyCache(1_000);
      const peer = { address: '127.0.0.1', port: 5683 };
      const token = Buffer.from([1, 2]);
      cache.set(peer, 7, token, Buffer.from([0x60, 0x44]));
      vi.advanceTimersByTime(999);
      expect(cache.get(peer, 7, token)).toEqual(Buffer.from([0x60, 0x44]));
      expect(cache.get(peer, 7, Buffer.from([9]))).toBeUndefined();
      expect(cache.get({ ...peer, port: 5684 }, 7, token)).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(cache.get(peer, 7, token)).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps answers apart per peer (IPv4 and IPv6) and the latest ones of each', () => {
    const cache = new ReplyCache(60_000);
    const token = Buffer.from('t');
    const peers = [
      { address: '10.0.0.1', port: 5683 },
      { address: '10.0.0.1', port: 5684 },
      { address: '10.0.1.0', port: 5683 },
      { address: '::1', port: 5683 },
      { address: '::ffff:10.0.0.1', port: 5683 },
    ];
    peers.forEach((peer, i) => {
      cache.set(peer, 1, token, Buffer.from([i]));
    });
    expect(peers.map((peer) => cache.get(peer, 1, token)?.[0])).toEqual([0, 1, 2, 3, 4]);
    // The answer to a message given again replaces the first one.
    cache.set(peers[0] as Peer, 1, token, Buffer.from([9]));
    expect(cache.get(peers[0] as Peer, 1, token)?.[0]).toBe(9);
    // A sender retransmits only its latest messages: beyond 8 of them, the oldest are let go.
    for (let id = 2; id <= 9; id++) cache.set(peers[0] as Peer, id, token, Buffer.from([id]));
    expect(cache.get(peers[0] as Peer, 1, token)).toBeUndefined();
    expect(cache.get(peers[0] as Peer, 2, token)?.[0]).toBe(2);
    expect(cache.get(peers[0] as Peer, 9, token)?.[0]).toBe(9);
  });
});
