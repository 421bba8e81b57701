/**
 * The server rebuilds the canonical request from the wire form; the SDK builds it from its own objects. These
 * tests feed both sides the same inputs (the server the wire form the SDK would send) and demand equal output.
 */
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  EMPTY_BODY_SHA256,
  percentEncode,
  sha256Hex,
} from './canonical.js';
import { sdk } from './sdk-harness.js';

const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');

describe('percentEncode', () => {
  it.each([
    ['every ASCII character', ASCII],
    ['non-ASCII', 'héllo wörld ✓ 中文'],
    ['a surrogate pair', 'emoji 😀'],
    ['already encoded text', '%2F%20'],
    ['', ''],
  ])('matches the SDK for %s', (_, value) => {
    expect(percentEncode(value)).toBe(sdk.urlEncode(value));
  });

  it('keeps exactly the RFC 3986 unreserved set', () => {
    expect(percentEncode("AZaz09-_.~!*'() /")).toBe('AZaz09-_.~%21%2A%27%28%29%20%2F');
  });
});

describe('canonicalUri', () => {
  it.each([
    '/v5/iot/0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e/devices/lamp_42-a/async-commands',
    '/v5/iot/p/devices/d/async-commands/',
    '/v5/iot/p%20q/devices/d%2Fe/async-commands',
    '/a/b*c/',
    '/',
    '',
  ])('matches the SDK for %j', (path) => {
    expect(canonicalUri(path)).toBe(sdk.CanonicalURI(path));
  });

  it('appends the trailing slash the real URL lacks', () => {
    expect(canonicalUri('/v5/iot/p/devices/d')).toBe('/v5/iot/p/devices/d/');
  });
});

describe('canonicalQuery', () => {
  const cases: Record<string, Record<string, unknown>> = {
    empty: {},
    'list filters': { limit: 10, marker: '000000000000000042', status: 'PENDING', offset: 0 },
    'unsorted keys': { status: 'x', command_name: 'y', end_time: 'z', limit: 1 },
    'repeated key, unsorted values': { tag: ['b', 'a', 'C', '10', '9'], a: 'first' },
    'characters querystring leaves alone': { command_name: "set lamp*(x)'!~" },
    'spaces, plus, ampersand, equals': { q: 'a b+c&d=e', 'k y': 'v' },
    'non-ASCII': { name: 'héllo ✓ 中文 😀' },
    'empty value': { marker: '', limit: 5 },
  };

  it.each(Object.entries(cases))('matches the SDK for %s', (_, params) => {
    // The SDK sorts array values in place while signing; copy so the wire form keeps the caller's order.
    const signed = sdk.CanonicalQueryString({ queryParams: structuredClone(params) });
    expect(canonicalQuery(stringify(params as Parameters<typeof stringify>[0]))).toBe(signed);
  });

  it('reads + as a space, as form-encoding clients send it', () => {
    expect(canonicalQuery('q=a+b')).toBe('q=a%20b');
    expect(canonicalQuery('q=a%2Bb')).toBe('q=a%2Bb');
  });

  it('sorts values of a repeated key whatever the wire order', () => {
    expect(canonicalQuery('b=2&a=z&a=y')).toBe('a=y&a=z&b=2');
  });

  it('treats a key without = as an empty value', () => {
    expect(canonicalQuery('flag&limit=1')).toBe('flag=&limit=1');
  });
});

describe('canonicalHeaders', () => {
  it('matches the SDK for the headers it signs', () => {
    const headers = {
      'content-type': 'application/json',
      host: '127.0.0.1:8080',
      'instance-id': 'i-1',
      'x-project-id': 'p',
      'x-sdk-date': '20261126T130542Z',
    };
    expect(canonicalHeaders(Object.keys(headers), headers)).toBe(sdk.buildCanonicalHeaders(headers));
  });

  it('keeps values as received', () => {
    expect(canonicalHeaders(['a'], { a: ' x  y ' })).toBe('a: x  y \n');
  });
});

describe('body hash', () => {
  it('of no body is the SHA-256 of the empty string', () => {
    expect(sha256Hex(Buffer.alloc(0))).toBe(EMPTY_BODY_SHA256);
  });
});
