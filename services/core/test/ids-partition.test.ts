import { describe, expect, it } from 'vitest';
import { idFromUuidBytes, newId, randomToken } from '../src/ids.js';
import { fnv1a32, partitionOf, partitionTag } from '../src/partition.js';

describe('newId', () => {
  it('sorts as strings in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // 22 characters of the API's id alphabet, within the 36 allowed for rule and action ids.
    expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('writes a UUID as its 128-bit number in 22 digits of the id alphabet', () => {
    const hex = (uuid: string) => Uint8Array.from(Buffer.from(uuid.replaceAll('-', ''), 'hex'));
    expect(idFromUuidBytes(hex('01936f0e-8d2a-7c3b-9f4e-2a1b3c4d5e6f'))).toBe('-0ZqwDYHdwDtxD9WgwIKtj');
    expect(idFromUuidBytes(new Uint8Array(16))).toBe('-'.repeat(22));
    expect(idFromUuidBytes(new Uint8Array(16).fill(255))).toBe(`2${'z'.repeat(21)}`);
  });

  it('keeps creation order across milliseconds', async () => {
    const before = newId();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(newId() > before).toBe(true);
  });
});

describe('randomToken', () => {
  it('gives distinct base64url tokens of the asked size, across pool refills', () => {
    const tokens = Array.from({ length: 2_000 }, () => randomToken(8));
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every((token) => /^[A-Za-z0-9_-]{11}$/.test(token))).toBe(true);
    expect(Buffer.from(randomToken(5000), 'base64url')).toHaveLength(5000);
  });
});

describe('partitions', () => {
  it('uses FNV-1a 32 (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes, as TextEncoder encodes them (lone surrogates as U+FFFD)', () => {
    const reference = (text: string) => {
      let hash = 0x811c9dc5;
      for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
      return hash;
    };
    const samples = ['ü', 'ünï-€', '\u07ff\u0800\uffff', '😀/x', 'a\ud800', '\udc00b', '\ud800\ud800', 'x\udbff'];
    for (let i = 0; i < 2_000; i++) {
      samples.push(String.fromCharCode(...Array.from({ length: i % 9 }, () => Math.floor(Math.random() * 0x10000))));
    }
    for (const sample of samples) expect(fnv1a32(sample)).toBe(reference(sample));
  });

  it('maps a device to a stable partition of projectId/deviceId', () => {
    const ref = { projectId: 'proj1', deviceId: 'dev1' };
    expect(partitionOf(ref, 16)).toBe(fnv1a32('proj1/dev1') % 16);
    expect(partitionOf(ref, 1)).toBe(0);
    expect(partitionTag(3)).toBe('{p3}');
  });

  it('spreads devices over all partitions', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const p = partitionOf({ projectId: 'proj', deviceId: `prod_86612345${i}` }, 16);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const n of counts) {
      expect(n).toBeGreaterThan(800);
      expect(n).toBeLessThan(1200);
    }
  });
});
