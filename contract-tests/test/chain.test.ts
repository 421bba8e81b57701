import { describe, expect, it } from 'vitest';
import { loadContract } from '../src/contract/spec.js';
import { BUILD, TEARDOWN } from '../src/dredd/chain.js';

describe('the order of the Dredd chain', () => {
  it('has every operation of the spec exactly once, so that a new one cannot run before what it needs', async () => {
    const chained = [...BUILD, ...TEARDOWN];
    expect(new Set(chained).size).toBe(chained.length);
    expect([...chained].sort()).toEqual([...(await loadContract()).operations.keys()].sort());
  });
});
