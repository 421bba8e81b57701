import { candidateMid } from '@snooze/core';
import { describe, expect, it } from 'vitest';
import { toCoapError } from '../src/coap-errors.js';
import { maxTransmitSpanMs, maxTransmitWaitMs, RFC7252_TIMING } from '../src/coap-timing.js';
import { loadIngressConfig } from '../src/config.js';
import { routeOf } from '../src/datagram-check.js';
import { parseLinkFormat } from '../src/link-format.js';
import { DEDUPE_WINDOW_MS, NB_IOT_TIMING, piggybackWindowMs, QUEUE_MODE_AWAKE_MS } from '../src/parameters.js';
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
