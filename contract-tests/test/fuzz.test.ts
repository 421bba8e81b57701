import { describe, expect, it } from 'vitest';
import { loadContract } from '../src/contract/spec.js';
import { fuzzContract } from '../src/fuzz/fuzzer.js';
import { useLocalTarget } from './targets.js';

// Fixed, so CI runs the same requests every time; SNOOZE_FUZZ_SEED and SNOOZE_FUZZ_RUNS explore further.
const SEED = Number(process.env.SNOOZE_FUZZ_SEED ?? 20241127);
const RUNS = Number(process.env.SNOOZE_FUZZ_RUNS ?? 3000);

describe('contract fuzzing against the local dispatcher', () => {
  const settings = useLocalTarget();

  it(`answers ${RUNS} generated requests (seed ${SEED}) only as documented, never with a 5xx`, async () => {
    const outcome = await fuzzContract({ settings: settings(), seed: SEED, numRuns: RUNS });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.requests).toBeGreaterThanOrEqual(RUNS);
    expect(Object.keys(outcome.operations).sort()).toEqual([...(await loadContract()).operations.keys()].sort());
    // Both sides of the contract were exercised, not just its error paths.
    expect(Object.keys(outcome.statuses).map(Number)).toEqual(
      expect.arrayContaining([200, 201, 204, 400, 401, 403, 404]),
    );
  }, 180_000);
});
